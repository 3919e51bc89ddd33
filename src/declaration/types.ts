/** Types of declaration format v1; the JSON Schema in schemas/declaration.v1.schema.json is the contract. */
export type CountryCode = string;
export type ServiceModel = 'IaaS' | 'CaaS' | 'PaaS' | 'SaaS';
export type CertificationStatus =
  | 'J0'
  | 'J1'
  | 'J2'
  | 'J3'
  | 'qualified'
  | 'certified'
  | 'withdrawn'
  | 'expired';

export interface Declaration {
  $schema?: string;
  formatVersion: 1;
  illustrative?: { note: string; sources?: string[] };
  provider: ProviderDeclaration;
  organisations?: Organisation[];
  ownership?: Holding[];
  offer: OfferDeclaration;
}

export interface ProviderDeclaration {
  id: string;
  name: string;
  registrationNumber?: { scheme: string; value: string };
  registeredOffice?: CountryCode;
  centralAdministration?: CountryCode;
  principalEstablishment?: CountryCode;
  foreignGovernmentLinks?: { declared: boolean; details?: string };
  extraterritorialRiskAssessment?: { documented: boolean; reference?: string; updatedOn?: string };
  publishesTransferMap?: boolean;
}

export interface Organisation {
  id: string;
  name: string;
  country: CountryCode;
  kind?: 'company' | 'fund' | 'public-body' | 'state' | 'individuals' | 'free-float';
}

export interface Holding {
  holder: string;
  held: string;
  capitalPct: number;
  votingPct?: number;
  vetoRight?: boolean;
  appointsBoardMajority?: boolean;
}

export interface Region {
  code: string;
  country: CountryCode;
  city?: string;
}

export interface ThirdParty {
  name: string;
  country: CountryCode;
  role: 'licensor' | 'subcontractor' | 'hardware' | 'support';
  dataAccess: 'none' | 'supervised' | 'full';
  operationalAutonomy?: boolean;
  canInterruptService?: boolean;
  updatesVettedByOperator?: boolean;
  controlledFromOutsideEu?: boolean;
  secNumCloudQualified?: boolean;
}

export interface Certification {
  scheme: string;
  version?: string;
  status: CertificationStatus;
  regions?: string[];
  activities?: number[];
  issuer?: string;
  certificateId?: string;
  validUntil?: string;
}

export interface OfferDeclaration {
  id: string;
  name: string;
  description?: string;
  serviceModel: ServiceModel;
  regions?: Region[];
  processingCountries?: CountryCode[];
  backupCountries?: CountryCode[];
  technicalDataCountries?: CountryCode[];
  locationDisclosure?: boolean;
  operations?: {
    adminCountries?: CountryCode[];
    supportCountries?: CountryCode[];
    socCountries?: CountryCode[];
    nonEuSupport?: { operationsListed: boolean; accessControlledFromEu: boolean };
  };
  thirdParties?: ThirdParty[];
  encryption?: { atRest?: boolean; inTransitMinTls?: '1.0' | '1.1' | '1.2' | '1.3'; keyManagement?: string };
  adminMfa?: boolean;
  logging?: {
    securityEventLogging?: boolean;
    logRetentionDays?: number;
    incidentNotification?: boolean;
    incidentNotificationHours?: number;
  };
  certifications?: Certification[];
  contract?: {
    reversibility?: {
      exportFormatsDocumented?: boolean;
      secureDeletion?: boolean;
      deletionCertificate?: boolean;
      retentionAfterEndDays?: number;
    };
    changeNoticeDays?: number;
    thirdPartyRemoteAccess?: 'forbidden' | 'with-customer-written-consent' | 'allowed';
    terminationOnQualificationLoss?: boolean;
    governingLaw?: CountryCode;
  };
  healthDataHosting?: { activities: number[] };
  runsOn?: string[];
}
