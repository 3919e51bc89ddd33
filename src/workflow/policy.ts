/**
 * Who may do what: the one place roles, scopes and ownership are checked. Use cases call these guards
 * before touching data; the authorization matrix test drives every route through them.
 */
import type { Actor, Role, Scope } from './context.js';
import { forbidden, unauthenticated } from './errors.js';

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw unauthenticated();
  return actor;
}

export function requireRole(actor: Actor | null, ...roles: Role[]): Actor {
  const a = requireActor(actor);
  if (!roles.includes(a.role)) throw forbidden(`this action is reserved to: ${roles.join(', ')}`);
  return a;
}

export function requireScope(actor: Actor, scope: Scope): void {
  if (!actor.scopes.includes(scope)) throw forbidden(`this token lacks the "${scope}" scope`);
}

/** A role that may act, with the scope it needs: `write` for changes, `read` otherwise. */
export function authorize(actor: Actor | null, scope: Scope, ...roles: Role[]): Actor {
  const a = requireRole(actor, ...roles);
  requireScope(a, scope);
  return a;
}

/** Providers see their own organisation's things only; the authority sees everything. */
export function requireOwnOrganisation(actor: Actor, organisationId: string): void {
  if (actor.role === 'authority') return;
  if (actor.role === 'provider' && actor.organisationId === organisationId) return;
  throw forbidden('this belongs to another organisation');
}
