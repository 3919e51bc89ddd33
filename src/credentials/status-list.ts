/** Status list credentials (Bitstring Status List v1.0), secured as vc+jwt like the labels. */

import { StatusBitstring, StatusListError } from './bitstring.js';
import {
  STATUS_LIST_CREDENTIAL_TYPE,
  STATUS_LIST_SUBJECT_TYPE,
  VC_JWT_CTY,
  VC_JWT_TYP,
  VC_V2_CONTEXT,
  VERIFIABLE_CREDENTIAL,
} from './constants.js';
import { base64urlDecode, isoSeconds, isPublishableUrl } from './encoding.js';
import { signJsonWithProvider } from './jws.js';
import type { KeyProvider } from './keys.js';
import type { StatusListCredential, StatusPurpose } from './types.js';

export interface StatusListCredentialInput {
  /** The URL the list is published at; labels reference it in `statusListCredential`. */
  id: string;
  issuer: string;
  purpose: StatusPurpose;
  bitstring: StatusBitstring;
  validFrom: Date;
  /** Recommended: short (hours to days), so that a stale list cannot hide a revocation for long. */
  validUntil?: Date;
}

export function buildStatusListCredential(input: StatusListCredentialInput): StatusListCredential {
  if (!isPublishableUrl(input.id))
    throw new TypeError('status list id must be an https URL (or http on localhost)');
  if (!input.issuer.startsWith('did:')) throw new TypeError('issuer must be a DID');
  if (input.validUntil && input.validUntil.getTime() <= input.validFrom.getTime()) {
    throw new RangeError('validUntil must be after validFrom');
  }
  const credential: StatusListCredential = {
    '@context': [VC_V2_CONTEXT],
    id: input.id,
    type: [VERIFIABLE_CREDENTIAL, STATUS_LIST_CREDENTIAL_TYPE],
    issuer: input.issuer,
    validFrom: isoSeconds(input.validFrom),
    credentialSubject: {
      id: `${input.id}#list`,
      type: STATUS_LIST_SUBJECT_TYPE,
      statusPurpose: input.purpose,
      encodedList: input.bitstring.encode(),
    },
  };
  if (input.validUntil) credential.validUntil = isoSeconds(input.validUntil);
  return credential;
}

export function issueStatusListCredential(
  input: StatusListCredentialInput,
  keyProvider: KeyProvider,
): Promise<string> {
  const credential = buildStatusListCredential(input);
  return signJsonWithProvider(credential, credential.issuer, keyProvider, {
    typ: VC_JWT_TYP,
    cty: VC_JWT_CTY,
  });
}

/**
 * Reads one bit of a status list, from its JWT or its decoded payload. It does NOT authenticate the list:
 * use it on lists you produced or already verified (verifyLabel does both steps for relying parties).
 */
export function readStatus(
  statusList: string | StatusListCredential,
  index: number,
): { purpose: StatusPurpose; set: boolean } {
  const credential = typeof statusList === 'string' ? decodePayload(statusList) : statusList;
  const subject = credential?.credentialSubject;
  if (
    !credential?.type?.includes(STATUS_LIST_CREDENTIAL_TYPE) ||
    subject?.type !== STATUS_LIST_SUBJECT_TYPE
  ) {
    throw new StatusListError('not a BitstringStatusListCredential');
  }
  return { purpose: subject.statusPurpose, set: StatusBitstring.decode(subject.encodedList).get(index) };
}

function decodePayload(jwt: string): StatusListCredential {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new StatusListError('not a compact JWS');
  try {
    return JSON.parse(Buffer.from(base64urlDecode(parts[1]!)).toString('utf8')) as StatusListCredential;
  } catch {
    throw new StatusListError('status list payload is not JSON');
  }
}
