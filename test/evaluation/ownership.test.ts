import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatPath,
  lookThrough,
  type OwnershipEntity,
  type OwnershipFacts,
  type OwnershipLink,
  type PartyStake,
  type StakePath,
} from '../../src/evaluation/ownership.js';

const EU = ['FR', 'DE', 'IT', 'NL', 'BE', 'LU', 'ES', 'IE'];

/** Entities as `id:country` (name = id unless given as `id:country:Name`); the provider is `P`. */
function run(
  entities: string[],
  links: OwnershipLink[],
  euCountries: readonly string[] = EU,
): OwnershipFacts {
  return lookThrough({
    providerId: 'P',
    entities: ['P:FR', ...entities].map((e) => {
      const [id, country, name] = e.split(':') as [string, string, string?];
      return { id, name: name ?? id, country };
    }),
    links,
    euCountries,
  });
}

const link = (holder: string, held: string, capitalPct: number, extra: Partial<OwnershipLink> = {}) => ({
  holder,
  held,
  capitalPct,
  ...extra,
});

function party(facts: OwnershipFacts, id: string): PartyStake {
  const p = facts.parties.find((x) => x.id === id);
  assert.ok(p, `party ${id} expected among ${facts.parties.map((x) => x.id).join(', ')}`);
  return p;
}

function close(actual: number, expected: number, message?: string) {
  assert.ok(Math.abs(actual - expected) < 1e-6, `${message ?? ''} expected ${expected}, got ${actual}`);
}

describe('lookThrough, hand-worked cases', () => {
  it('direct stake', () => {
    const f = run(['U:US'], [link('U', 'P', 20)]);
    assert.deepEqual(
      f.parties.map((p) => [p.id, p.capitalPct, p.votingPct, p.eu]),
      [['U', 20, 20, false]],
    );
    assert.equal(f.nonEu.maxCapitalPct, 20);
    assert.equal(f.nonEu.maxCapitalParty, 'U');
    assert.equal(f.nonEu.totalCapitalPct, 20);
    assert.equal(f.nonEu.controlled, false);
  });

  it('the brief example: 60 % of a holding that holds 30 % ⇒ 30 %, the holding counting in full', () => {
    const f = lookThrough({
      providerId: 'P',
      entities: [
        { id: 'P', name: 'Provider SA', country: 'FR' },
        { id: 'H', name: 'Holding SAS', country: 'FR' },
        { id: 'U', name: 'US Fund LP', country: 'US' },
      ],
      links: [link('U', 'H', 60), link('H', 'P', 30)],
      euCountries: new Set(EU),
    });
    const u = party(f, 'U');
    assert.equal(u.capitalPct, 30);
    assert.equal(u.controlsProvider, false);
    assert.equal(u.capitalPaths.length, 1);
    assert.equal(
      formatPath(u.capitalPaths[0]!, 'en'),
      'US Fund LP → Holding SAS (60 %, controlled) → Provider SA 30 % ⇒ 30 %',
    );
    assert.equal(
      formatPath(u.capitalPaths[0]!, 'fr'),
      'US Fund LP → Holding SAS (60 %, contrôlée) → Provider SA 30 % ⇒ 30 %',
    );
    assert.deepEqual(
      u.capitalPaths[0]!.steps.map((s) => [s.id, s.pct, s.controlled]),
      [
        ['U', 60, false],
        ['H', 30, true],
        ['P', 0, false],
      ],
    );
    // The holding is EU but controlled from the US: its whole stake is non-EU, and counted once.
    assert.equal(f.nonEu.totalCapitalPct, 30);
    assert.equal(f.nonEu.maxCapitalParty, 'U');
  });

  it('a chain without control is pro rata: 40 % of a 50 % holder ⇒ 20 %', () => {
    const f = run(['H:FR', 'U:US'], [link('U', 'H', 40), link('H', 'P', 50)]);
    assert.equal(party(f, 'U').capitalPct, 20);
    assert.equal(party(f, 'H').capitalPct, 50);
    assert.equal(f.nonEu.totalCapitalPct, 20);
    assert.equal(formatPath(party(f, 'U').capitalPaths[0]!, 'en'), 'U → H (40 %) → P 50 % ⇒ 20 %');
  });

  it('two paths add up, and are listed strongest first', () => {
    const f = run(['H:FR', 'U:US'], [link('U', 'P', 10), link('U', 'H', 40), link('H', 'P', 50)]);
    const u = party(f, 'U');
    assert.equal(u.capitalPct, 30);
    assert.deepEqual(
      u.capitalPaths.map((p) => p.effectivePct),
      [20, 10],
    );
    assert.equal(f.nonEu.totalCapitalPct, 30);
  });

  it('combined control: 30 % direct + 30 % through a controlled entity is control', () => {
    const links = [link('U', 'Z', 30), link('U', 'W', 100), link('W', 'Z', 30), link('Z', 'P', 40)];
    const f = run(['U:US', 'W:FR', 'Z:FR'], links);
    // Z is controlled, so its 40 % counts in full; pro rata it would only be 24 %.
    assert.equal(party(f, 'U').capitalPct, 40);
    assert.equal(party(f, 'W').capitalPct, 12);
    const path = party(f, 'U').capitalPaths[0]!;
    assert.equal(formatPath(path, 'en'), 'U → Z (30 %, controlled) → P 40 % ⇒ 40 %');
    assert.equal(f.nonEu.totalCapitalPct, 40);

    // The same group with 60 % of the provider controls it, and its stake stays 60 %, not 100 %.
    const g = run(['U:US', 'W:FR', 'Z:FR'], [...links.slice(0, 3), link('Z', 'P', 60)]);
    assert.equal(party(g, 'U').capitalPct, 60);
    assert.equal(party(g, 'U').controlsProvider, true);
    assert.equal(party(g, 'Z').controlsProvider, true);
    assert.equal(party(g, 'W').controlsProvider, false);
    assert.equal(g.nonEu.controlled, true);
    assert.equal(g.nonEu.controller, 'U');
  });

  it('combined control with no direct stake is explained as control alone', () => {
    const f = run(
      ['U:US', 'W1:FR', 'W2:FR', 'Z:FR'],
      [
        link('U', 'W1', 100),
        link('U', 'W2', 100),
        link('W1', 'Z', 30),
        link('W2', 'Z', 30),
        link('Z', 'P', 20),
      ],
    );
    const u = party(f, 'U');
    assert.equal(u.capitalPct, 20);
    assert.equal(formatPath(u.capitalPaths[0]!, 'en'), 'U → Z (controlled) → P 20 % ⇒ 20 %');
  });

  it('cross-holding: the closed form of the series, without a party counting its own shares', () => {
    // X holds 20 % of Y, Y holds 30 % of X; X holds 10 % and Y 40 % of the provider; A holds half of X.
    const f = run(
      ['A:US', 'X:FR', 'Y:FR'],
      [link('A', 'X', 50), link('X', 'Y', 20), link('Y', 'X', 30), link('X', 'P', 10), link('Y', 'P', 40)],
    );
    // econ(X) = 0.1 + 0.2·econ(Y), econ(Y) = 0.4 + 0.3·econ(X)  ⇒  econ(X) = 0.18 / 0.94.
    close(party(f, 'A').capitalPct, (50 * 0.18) / 0.94, 'A');
    // X reaches the provider directly (10) and through Y (20 % × 40); what comes back through Y to X
    // is X's own shares, not a stake: 18, not 19.15.
    close(party(f, 'X').capitalPct, 18, 'X');
    close(party(f, 'Y').capitalPct, 43, 'Y');
    close(f.nonEu.totalCapitalPct, (50 * 0.18) / 0.94, 'total');
  });

  it('a symmetric cross-holding between a US and an EU company stays within the collective share', () => {
    const f = run(
      ['A:US', 'B:FR'],
      [link('A', 'B', 50), link('B', 'A', 50), link('A', 'P', 20), link('B', 'P', 20)],
    );
    close(party(f, 'A').capitalPct, 30);
    close(party(f, 'B').capitalPct, 30);
    // 20 % held by A, and the half of B's 20 % that A holds.
    close(f.nonEu.totalCapitalPct, 30);
  });

  it('a cycle with no path to the provider is ignored and terminates', () => {
    const f = run(
      ['U:US', 'C1:US', 'C2:US', 'C3:DE'],
      [
        link('C1', 'C2', 50),
        link('C2', 'C1', 50),
        link('C3', 'C1', 40),
        link('C1', 'C1', 10),
        link('U', 'P', 10),
      ],
    );
    assert.deepEqual(
      f.parties.map((p) => p.id),
      ['U'],
    );
    assert.equal(f.nonEu.totalCapitalPct, 10);
  });

  it('capital and votes differ (preference shares)', () => {
    const f = run(
      ['U:US', 'F:FR', 'V:US', 'H:FR'],
      [
        link('U', 'P', 40, { votingPct: 10 }),
        link('F', 'P', 20, { votingPct: 70 }),
        // 60 % of H's capital but 30 % of its votes: no control, so pro rata on both.
        link('V', 'H', 60, { votingPct: 30 }),
        link('H', 'P', 10, { votingPct: 10 }),
      ],
    );
    const u = party(f, 'U');
    assert.deepEqual([u.capitalPct, u.votingPct, u.controlsProvider], [40, 10, false]);
    const fr = party(f, 'F');
    assert.deepEqual([fr.capitalPct, fr.votingPct, fr.controlsProvider], [20, 70, true]);
    const v = party(f, 'V');
    close(v.capitalPct, 6);
    close(v.votingPct, 3);
    close(f.nonEu.totalCapitalPct, 46);
    close(f.nonEu.totalVotingPct, 13);
    assert.equal(f.nonEu.maxVotingParty, 'U');
    assert.equal(f.nonEu.controlled, false);
    assert.equal(formatPath(v.votingPaths[0]!, 'en'), 'V → H (30 %) → P 10 % ⇒ 3 %');
  });

  it('a non-EU parent and its non-EU subsidiary are not counted twice in the total', () => {
    const f = run(['UP:US', 'US1:US'], [link('UP', 'US1', 100), link('US1', 'P', 30), link('UP', 'P', 5)]);
    assert.equal(party(f, 'UP').capitalPct, 35);
    assert.equal(party(f, 'US1').capitalPct, 30);
    assert.equal(f.nonEu.totalCapitalPct, 35);
    assert.equal(f.nonEu.maxCapitalParty, 'UP');
  });

  it('a veto right held by an EU holding controlled from the US is a non-EU special right', () => {
    const f = run(
      ['U:US', 'H:FR', 'G:DE', 'M:DE', 'C:CN'],
      [
        link('U', 'H', 51),
        link('H', 'P', 10, { vetoRight: true }),
        // A minority US stake does not make G's board right non-EU.
        link('U', 'G', 40),
        link('G', 'P', 5, { appointsBoardMajority: true }),
        // EU and uncontrolled: not reported.
        link('M', 'P', 5, { vetoRight: true }),
        link('C', 'P', 1, { appointsBoardMajority: true }),
      ],
    );
    assert.deepEqual(f.specialRights, [
      { holder: 'C', right: 'appointsBoardMajority', nonEuParty: 'C' },
      { holder: 'H', right: 'vetoRight', nonEuParty: 'U' },
    ]);
  });

  it('a provider held 100 % by one EU holding has no non-EU stake', () => {
    const f = run(['H:FR'], [link('H', 'P', 100)]);
    assert.deepEqual(
      f.parties.map((p) => [p.id, p.capitalPct, p.controlsProvider]),
      [['H', 100, true]],
    );
    assert.deepEqual(f.nonEu, {
      maxCapitalPct: 0,
      maxVotingPct: 0,
      maxCapitalParty: null,
      maxVotingParty: null,
      totalCapitalPct: 0,
      totalVotingPct: 0,
      controlled: false,
      controller: null,
    });
    assert.deepEqual(f.specialRights, []);
  });

  it('mutual control is broken: neither of the two controls the other', () => {
    const f = run(
      ['A:US', 'B:US'],
      [link('A', 'B', 60), link('B', 'A', 60), link('A', 'P', 30), link('B', 'P', 30)],
    );
    // Pro rata both ways: 30 + 60 % × 30, the way back to oneself excluded.
    close(party(f, 'A').capitalPct, 48);
    close(party(f, 'B').capitalPct, 48);
    assert.equal(party(f, 'A').controlsProvider, false);
    close(f.nonEu.totalCapitalPct, 60);
    // For an outside shareholder the loop is walked as often as it pays: 40 % × 0.3 / (1 − 0.6 × 0.6)
    // = 30 %, the pro-rata share of A and B's 60 % that is not B's own.
    const g = run(
      ['A:FR', 'B:FR', 'O:US'],
      [link('A', 'B', 60), link('B', 'A', 60), link('A', 'P', 30), link('B', 'P', 30), link('O', 'A', 40)],
    );
    close(party(g, 'O').capitalPct, 30);
    close(g.nonEu.totalCapitalPct, 30);
  });

  it('a minority stake in somebody else’s subsidiary is pro rata, not the subsidiary’s whole holding', () => {
    // T controls S; A holds 40 % of T and 40 % of S directly: 40 + 40 % × 60 = 64, not 40 + 40 = 80.
    const f = run(
      ['A:US', 'T:FR', 'S:FR'],
      [link('A', 'T', 40), link('A', 'S', 40), link('T', 'S', 60), link('S', 'P', 100)],
    );
    close(party(f, 'A').capitalPct, 64);
    close(f.nonEu.totalCapitalPct, 64);
    assert.equal(party(f, 'T').capitalPct, 100);
    assert.equal(party(f, 'T').controlsProvider, true);
  });

  it('a chain that comes back into the party’s own group is not counted twice', () => {
    // U controls G outright and also reaches G through its associate T; G is already counted in full.
    const f = run(
      ['U:US', 'G:FR', 'T:FR'],
      [link('U', 'G', 60), link('U', 'T', 30), link('T', 'G', 20), link('G', 'P', 50)],
    );
    close(party(f, 'U').capitalPct, 50);
    close(f.nonEu.totalCapitalPct, 50);
    close(party(f, 'T').capitalPct, 10);
  });

  it('is robust: unknown ids, self-links, junk percentages, unknown provider', () => {
    const f = run(
      ['U:US'],
      [
        link('U', 'P', 10),
        link('ghost', 'P', 50),
        link('U', 'ghost', 50),
        link('U', 'U', 50),
        link('U', 'P', Number.NaN),
        link('U', 'P', 5, { votingPct: Number.POSITIVE_INFINITY }),
      ],
    );
    assert.deepEqual(
      f.parties.map((p) => [p.id, p.capitalPct, p.votingPct]),
      [['U', 15, 10]],
    );
    // A duplicated id keeps its first definition; a malformed entry is ignored.
    const dup = lookThrough({
      providerId: 'P',
      entities: [
        { id: 'P', name: 'Provider', country: 'FR' },
        { id: 'U', name: 'First', country: 'US' },
        null as unknown as OwnershipEntity,
        { id: 'U', name: 'Second', country: 'FR' },
      ],
      links: [link('U', 'P', 30)],
      euCountries: EU,
    });
    assert.deepEqual(
      dup.parties.map((p) => [p.id, p.name, p.eu, p.capitalPct]),
      [['U', 'First', false, 30]],
    );
    const none = lookThrough({ providerId: 'nobody', entities: [], links: [], euCountries: EU });
    assert.deepEqual(none.parties, []);
    assert.equal(none.nonEu.controller, null);
  });

  it('inconsistent inputs (holdings above 100 %) never throw nor exceed 100 %', () => {
    const f = run(
      ['A:US', 'B:US', 'C:FR'],
      [
        link('A', 'B', 100),
        link('B', 'A', 100),
        link('C', 'A', 100),
        link('A', 'P', 100),
        link('B', 'P', 100),
        link('C', 'P', 100),
      ],
    );
    for (const p of f.parties) {
      assert.ok(p.capitalPct >= 0 && p.capitalPct <= 100);
      assert.ok(p.votingPct >= 0 && p.votingPct <= 100);
    }
    assert.ok(f.nonEu.totalCapitalPct <= 100);
  });

  it('a long chain deeper than the explanation limit still counts in full', () => {
    const n = 2000;
    const entities = Array.from({ length: n }, (_, i) => `E${i}:${i === n - 1 ? 'US' : 'FR'}`);
    const links = entities.map((_, i) => link(`E${i}`, i === 0 ? 'P' : `E${i - 1}`, 60));
    const f = run(entities, links);
    const top = party(f, `E${n - 1}`);
    assert.equal(top.capitalPct, 60);
    assert.equal(top.controlsProvider, true);
    assert.equal(f.nonEu.controller, `E${n - 1}`);
    // Paths are bounded to 12 hops, so this one is not explained; the stake does not depend on it.
    assert.deepEqual(top.capitalPaths, []);
  });
});

describe('formatPath', () => {
  const path: StakePath = {
    steps: [
      { id: 'a', name: 'Alpha Inc.', pct: 33.3333, controlled: false },
      { id: 'b', name: 'Beta SAS', pct: 12.5, controlled: false },
      { id: 'c', name: 'Gamma SA', pct: 80, controlled: true },
      { id: 'p', name: 'Provider SA', pct: 0, controlled: false },
    ],
    effectivePct: 4.166666,
  };

  it('writes up to two decimals, without trailing zeros', () => {
    assert.equal(
      formatPath(path, 'en'),
      'Alpha Inc. → Beta SAS (33.33 %) → Gamma SA (12.5 %, controlled) → Provider SA 80 % ⇒ 4.17 %',
    );
  });

  it('uses a decimal comma and the French wording in French', () => {
    assert.equal(
      formatPath(path, 'fr'),
      'Alpha Inc. → Beta SAS (33,33 %) → Gamma SA (12,5 %, contrôlée) → Provider SA 80 % ⇒ 4,17 %',
    );
  });

  it('formats a direct holding', () => {
    const direct: StakePath = {
      steps: [
        { id: 'u', name: 'U', pct: 24.999, controlled: false },
        { id: 'p', name: 'P', pct: 0, controlled: false },
      ],
      effectivePct: 24.999,
    };
    assert.equal(formatPath(direct, 'en'), 'U → P 25 % ⇒ 25 %');
    assert.equal(formatPath({ ...direct, effectivePct: 0.001 }, 'fr'), 'U → P 25 % ⇒ 0 %');
  });
});
