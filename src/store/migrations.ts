/**
 * Versioned migrations, run by Kysely's Migrator. They are code (not files read at run time) so the
 * package works the same from src/ and dist/. Column types are chosen to mean the same on both engines.
 */
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { sql } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001_core': core(dialect),
        '0002_registry': registry(),
        '0003_webhooks': webhookLog(),
        '0004_oidc': oidc(),
        '0005_placement_classes': placementClasses(),
        '0006_registry_seal': registrySeal(),
      };
    },
  };
}

function core(dialect: Dialect): Migration {
  const autoId = dialect === 'postgres' ? sql`bigserial primary key` : sql`integer primary key autoincrement`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('organisations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('country', 'text')
        .addColumn('registration_scheme', 'text')
        .addColumn('registration_value', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('oidc_issuer', 'text')
        .addColumn('oidc_subject', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'text')
        .execute();
      await db.schema
        .createIndex('users_oidc')
        .on('users')
        .columns(['oidc_issuer', 'oidc_subject'])
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('assessor_links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('entity_name', 'text', (c) => c.notNull())
        .addColumn('registration_value', 'text')
        .addColumn('note', 'text')
        .addColumn('declared_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('offers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('service_model', 'text', (c) => c.notNull())
        .addColumn('latest_declaration_version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('declarations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('offer_id', 'text', (c) => c.notNull().references('offers.id'))
        .addColumn('organisation_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('declarations_offer_version', ['offer_id', 'version'])
        .execute();

      await db.schema
        .createTable('applications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) => c.notNull())
        .addColumn('offer_id', 'text', (c) => c.notNull().references('offers.id'))
        .addColumn('declaration_id', 'text', (c) => c.notNull().references('declarations.id'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('target_level', 'text', (c) => c.notNull())
        .addColumn('data_class', 'text')
        .addColumn('referential_id', 'text', (c) => c.notNull())
        .addColumn('referential_version', 'text', (c) => c.notNull())
        .addColumn('evaluation', 'text', (c) => c.notNull())
        .addColumn('assessor_id', 'text')
        .addColumn('submitted_by', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('row_version', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('applications_state')
        .on('applications')
        .columns(['state', 'updated_at'])
        .execute();

      await db.schema
        .createTable('verdicts')
        .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
        .addColumn('criterion_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('automated_status', 'text', (c) => c.notNull())
        .addColumn('comment', 'text')
        .addColumn('assessor_id', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('verdicts_pk', ['application_id', 'criterion_id'])
        .execute();

      await db.schema
        .createTable('decisions')
        .addColumn('application_id', 'text', (c) => c.primaryKey().references('applications.id'))
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('level', 'text')
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('evidence')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('application_evidence')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
        .addColumn('criterion_id', 'text')
        .addColumn('digest', 'text', (c) => c.notNull().references('evidence.digest'))
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('labels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('application_id', 'text')
        .addColumn('organisation_id', 'text', (c) => c.notNull())
        .addColumn('offer_id', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('valid_from', 'text', (c) => c.notNull())
        .addColumn('valid_until', 'text', (c) => c.notNull())
        .addColumn('credential', 'text', (c) => c.notNull())
        .addColumn('credential_digest', 'text', (c) => c.notNull().unique())
        .addColumn('referential_id', 'text', (c) => c.notNull())
        .addColumn('referential_version', 'text', (c) => c.notNull())
        .addColumn('revocation_list', 'text', (c) => c.notNull())
        .addColumn('revocation_index', 'integer', (c) => c.notNull())
        .addColumn('suspension_list', 'text', (c) => c.notNull())
        .addColumn('suspension_index', 'integer', (c) => c.notNull())
        .addColumn('log_index', 'bigint', (c) => c.notNull())
        .addColumn('flagged_at', 'text')
        .addColumn('flag_reason', 'text')
        .addColumn('state_reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('row_version', 'integer', (c) => c.notNull())
        .addUniqueConstraint('labels_revocation_slot', ['revocation_list', 'revocation_index'])
        .addUniqueConstraint('labels_suspension_slot', ['suspension_list', 'suspension_index'])
        .execute();
      await db.schema.createIndex('labels_offer').on('labels').columns(['offer_id', 'state']).execute();

      await db.schema
        .createTable('status_lists')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addColumn('next_index', 'integer', (c) => c.notNull())
        .addColumn('perm_a', 'integer', (c) => c.notNull())
        .addColumn('perm_b', 'integer', (c) => c.notNull())
        .addColumn('bits', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('log_leaves')
        .addColumn('idx', 'bigint', (c) => c.primaryKey())
        .addColumn('leaf_hash', 'text', (c) => c.notNull())
        .addColumn('entry', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('log_leaves_hash').on('log_leaves').column('leaf_hash').execute();

      await db.schema
        .createTable('log_nodes')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('log_nodes_pk', ['level', 'idx'])
        .execute();

      await db.schema
        .createTable('log_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .execute();
      await db
        .insertInto('log_head' as never)
        .values({ id: 1, size: 0 } as never)
        .execute();

      await db.schema
        .createTable('checkpoints')
        .addColumn('size', 'bigint', (c) => c.primaryKey())
        .addColumn('root', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('id', autoId)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject_type', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute();
      await db.schema
        .createIndex('audit_subject')
        .on('audit_events')
        .columns(['subject_type', 'subject_id'])
        .execute();

      await db.schema
        .createTable('referentials')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text', (c) => c.notNull())
        .addColumn('published_by', 'text', (c) => c.notNull())
        .addColumn('log_index', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('referentials_pk', ['id', 'version'])
        .execute();

      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'text')
        .execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['state', 'next_attempt_at'])
        .execute();
    },
  };
}

/**
 * Webhooks, second step: an optional offer filter on subscriptions, and one row per delivery attempt so
 * an owner can see every try (status, error, timing), not only the last one. Indexes serve the owner's
 * listing and the delivery log.
 */
function webhookLog(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // JSON array of offer ids; null means every offer.
      await db.schema.alterTable('webhooks').addColumn('offer_ids', 'text').execute();
      await db.schema.createIndex('webhooks_owner').on('webhooks').column('owner_user_id').execute();
      await db.schema
        .createIndex('webhook_deliveries_webhook')
        .on('webhook_deliveries')
        .columns(['webhook_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('webhook_attempts')
        .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id'))
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('status', 'integer')
        .addColumn('error', 'text')
        .addColumn('duration_ms', 'integer')
        .addPrimaryKeyConstraint('webhook_attempts_pk', ['delivery_id', 'attempt'])
        .execute();
    },
  };
}

/**
 * OpenID Connect login. `oidc_flows` holds a login in progress (PKCE verifier, state, nonce, where to go
 * after) for a few minutes, keyed by the digest of a random handle kept in an HttpOnly cookie: the browser
 * that started the login is the only one that can finish it, every server process sees the same flows, and
 * a flow is deleted when used so a callback cannot be replayed. One identity at one issuer is one account,
 * so the (issuer, subject) index becomes unique (NULLs stay distinct on both engines: unlinked users are fine).
 */
function oidc(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('oidc_flows')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('return_to', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('oidc_flows_expiry').on('oidc_flows').column('expires_at').execute();
      await db.schema.dropIndex('users_oidc').execute();
      await db.schema
        .createIndex('users_oidc')
        .on('users')
        .columns(['oidc_issuer', 'oidc_subject'])
        .unique()
        .execute();
    },
  };
}

/**
 * The public registry's read model: one row per labelled offer. Faceted search runs on an in-process
 * index built from these rows (src/workflow/registry/search-index.ts); the SQL indexes serve what stays
 * in SQL: keyed reads, a provider's offers, catching up by generation, and the expiry boundary.
 */
function registry(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('registry_offers')
        .addColumn('offer_id', 'text', (c) => c.primaryKey())
        .addColumn('label_id', 'text', (c) => c.notNull())
        .addColumn('organisation_id', 'text', (c) => c.notNull())
        .addColumn('provider_id', 'text', (c) => c.notNull())
        .addColumn('provider_name', 'text', (c) => c.notNull())
        .addColumn('registration_scheme', 'text')
        .addColumn('registration_value', 'text')
        .addColumn('offer_name', 'text', (c) => c.notNull())
        .addColumn('sort_name', 'text', (c) => c.notNull())
        .addColumn('service_model', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('level_rank', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('state_reason', 'text')
        .addColumn('flagged_at', 'text')
        .addColumn('flag_reason', 'text')
        .addColumn('valid_from', 'text', (c) => c.notNull())
        .addColumn('valid_until', 'text', (c) => c.notNull())
        .addColumn('referential_id', 'text', (c) => c.notNull())
        .addColumn('referential_version', 'text', (c) => c.notNull())
        .addColumn('credential_digest', 'text', (c) => c.notNull())
        .addColumn('revocation_list', 'text', (c) => c.notNull())
        .addColumn('revocation_index', 'integer', (c) => c.notNull())
        .addColumn('suspension_list', 'text', (c) => c.notNull())
        .addColumn('suspension_index', 'integer', (c) => c.notNull())
        .addColumn('log_index', 'bigint', (c) => c.notNull())
        .addColumn('regions', 'text', (c) => c.notNull())
        .addColumn('countries', 'text', (c) => c.notNull())
        .addColumn('certifications', 'text', (c) => c.notNull())
        .addColumn('search_text', 'text', (c) => c.notNull())
        .addColumn('declaration_version', 'integer', (c) => c.notNull())
        .addColumn('generation', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('registry_offers_provider')
        .on('registry_offers')
        .columns(['provider_id', 'offer_id'])
        .execute();
      await db.schema
        .createIndex('registry_offers_generation')
        .on('registry_offers')
        .columns(['generation', 'offer_id'])
        .execute();
      await db.schema
        .createIndex('registry_offers_valid_until')
        .on('registry_offers')
        .column('valid_until')
        .execute();

      await db.schema
        .createTable('registry_meta')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('generation', 'bigint', (c) => c.notNull())
        .addColumn('epoch', 'bigint', (c) => c.notNull())
        .addColumn('rebuilt_at', 'text')
        .execute();
      await db
        .insertInto('registry_meta' as never)
        .values({ id: 1, generation: 0, epoch: 0, rebuilt_at: null } as never)
        .execute();
    },
  };
}

/**
 * Data classes an organisation defines on top of the referential's (src/workflow/placement-classes.ts):
 * its definition as sent, resolved against the referential whenever it is used.
 */
function placementClasses(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('placement_classes')
        .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('placement_classes_pk', ['organisation_id', 'id'])
        .execute();
    },
  };
}

/**
 * SEAL bounds per objective (EU Cloud Sovereignty Framework) of each registry offer, for the tender-style
 * gate of the registry search. Existing rows are filled by a rebuild on the next start.
 */
function registrySeal(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('registry_offers').addColumn('seal_profile', 'text').execute();
      await db
        .updateTable('registry_meta' as never)
        .set({ rebuilt_at: null } as never)
        .execute();
    },
  };
}
