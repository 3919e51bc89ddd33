/**
 * The placement rule written as a Cedar policy, over the same registry data: an independent statement of
 * the rule (a test oracle) and the baseline of the placement benchmark. A data class is a principal, an
 * (offer, region) pair a resource; the policy permits placing when the label requirement, the territory
 * and the certifications hold, exactly as src/placement/engine.ts decides.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { normaliseRegionCode, VALID_CERTIFICATION_STATUSES } from '../../src/placement/engine.js';
import type { DataClass, PlacementOffer } from '../../src/placement/types.js';

export const PLACEMENT_POLICY = `permit (principal, action == Action::"place", resource)
when {
  resource.covered &&
  (principal.minimumRank < 0 || (resource.active && resource.levelRank >= principal.minimumRank)) &&
  (principal.anywhere || principal.territories.contains(resource.country)) &&
  (principal.certifications.isEmpty() ||
    (resource.certsKnown && resource.certifications.containsAll(principal.certifications)))
};`;

export const POLICY_SET_ID = 'placement';

let prepared = false;
export function prepareCedar(): void {
  if (prepared) return;
  const answer = cedar.preparsePolicySet(POLICY_SET_ID, { staticPolicies: PLACEMENT_POLICY });
  if (answer.type !== 'success')
    throw new Error(`Cedar refused the policy: ${JSON.stringify(answer.errors)}`);
  prepared = true;
}

export type CedarEntity = cedar.EntityJson;

export function principalEntity(cls: DataClass, levelOrder: readonly string[]): CedarEntity {
  return {
    uid: { type: 'DataClass', id: cls.digest },
    attrs: {
      minimumRank: cls.minimumLevel === null ? -1 : levelOrder.indexOf(cls.minimumLevel),
      anywhere: cls.territories === null,
      territories: cls.territories ?? [],
      certifications: cls.certifications,
    },
    parents: [],
  };
}

/** The (offer, region) pair as Cedar sees it; an unknown offer or an uncovered region is not covered. */
export function resourceEntity(
  offer: PlacementOffer | undefined,
  region: string,
  levelOrder: readonly string[],
  now: Date,
): CedarEntity {
  const id = `${offer?.offer.id ?? ''}|${region}`;
  const r = offer?.regions.find((x) => normaliseRegionCode(x.code) === normaliseRegionCode(region));
  if (!offer || !r) {
    return {
      uid: { type: 'Placement', id },
      attrs: {
        covered: false,
        active: false,
        levelRank: -1,
        country: '',
        certsKnown: false,
        certifications: [],
      },
      parents: [],
    };
  }
  return {
    uid: { type: 'Placement', id },
    attrs: {
      covered: true,
      active: offer.state === 'active' && offer.validUntil > now.toISOString(),
      levelRank: levelOrder.indexOf(offer.level),
      country: r.country,
      certsKnown: offer.certifications !== undefined,
      certifications: (offer.certifications ?? [])
        .filter((c) => VALID_CERTIFICATION_STATUSES.has(c.status))
        .map((c) => c.scheme),
    },
    parents: [],
  };
}

export function cedarAllows(principal: CedarEntity, resource: CedarEntity): boolean {
  const answer = cedar.statefulIsAuthorized({
    principal: principal.uid,
    action: { type: 'Action', id: 'place' },
    resource: resource.uid,
    context: {},
    preparsedPolicySetId: POLICY_SET_ID,
    entities: [principal, resource],
  });
  if (answer.type !== 'success') throw new Error(`Cedar failed: ${JSON.stringify(answer.errors)}`);
  return answer.response.decision === 'allow';
}
