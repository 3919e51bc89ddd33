/** Registry entries for placement tests: a small registry with every case a decision must tell apart. */
import type { PlacementOffer } from '../../src/placement/types.js';

let n = 0;
export function offer(
  id: string,
  over: Partial<Omit<PlacementOffer, 'offer' | 'provider'>> & { provider?: string; name?: string } = {},
): PlacementOffer {
  n += 1;
  const { provider, name, ...rest } = over;
  return {
    offer: { id, name: name ?? id, serviceModel: 'IaaS' },
    provider: { id: provider ?? id.split('-')[0]!, name: provider ?? id },
    level: 'trusted',
    state: 'active',
    validUntil: '2029-11-29T00:00:00Z',
    regions: [{ code: 'fr-par-1', country: 'FR', city: 'Paris' }],
    certifications: [{ scheme: 'ISO27001', status: 'certified' }],
    labelId: `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    credentialDigest: 'a'.repeat(64),
    status: {
      revocation: { list: 'https://label.test/v1/status-lists/rev', index: n * 2 },
      suspension: { list: 'https://label.test/v1/status-lists/sus', index: n * 2 + 1 },
    },
    ...rest,
  };
}

export const NOW = new Date('2026-11-29T10:00:00Z');

export function sampleOffers(): PlacementOffer[] {
  return [
    offer('outscale-cloudgouv', {
      provider: 'outscale',
      regions: [{ code: 'cloudgouv-eu-west-1', country: 'FR', city: 'Paris' }],
      certifications: [
        { scheme: 'SecNumCloud', status: 'qualified' },
        { scheme: 'HDS', status: 'certified' },
      ],
    }),
    offer('outscale-general', {
      provider: 'outscale',
      level: 'baseline',
      regions: [
        { code: 'eu-west-2', country: 'FR', city: 'Paris' },
        { code: 'us-east-2', country: 'US' },
      ],
    }),
    offer('aws-paris', {
      provider: 'aws',
      level: 'eu-data',
      validUntil: '2028-01-01T00:00:00Z',
      regions: [
        { code: 'eu-west-3', country: 'FR', city: 'Paris' },
        { code: 'eu-central-1', country: 'DE', city: 'Frankfurt' },
      ],
      certifications: [{ scheme: 'HDS', status: 'certified' }],
    }),
    offer('suspended-trusted', { provider: 'hexa', state: 'suspended' }),
    offer('expired-trusted', { provider: 'hexa', validUntil: '2026-01-01T00:00:00Z' }),
    offer('norway-eu-data', {
      provider: 'nordic',
      level: 'eu-data',
      regions: [{ code: 'no-osl-1', country: 'NO', city: 'Oslo' }],
      certifications: [{ scheme: 'HDS', status: 'J0' }],
    }),
    offer('unknown-certs', { provider: 'legacy', level: 'eu-data', certifications: undefined }),
  ];
}
