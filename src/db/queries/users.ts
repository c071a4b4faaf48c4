import type { Kysely } from 'kysely';
import { AppError } from '../../domain/errors';
import { isUniqueViolation } from '../errors';
import type { DB, UserRow } from '../schema';

export async function insertUser(
  db: Kysely<DB>,
  user: Pick<
    UserRow,
    'id' | 'email' | 'password_hash' | 'name' | 'time_zone' | 'locale' | 'created_at'
  >,
): Promise<UserRow> {
  try {
    return await db
      .insertInto('users')
      .values({ ...user, business_name: '', payment_instructions: '', updated_at: user.created_at })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('EMAIL_TAKEN', 'An account with this email already exists', {
        field: 'email',
      });
    }
    throw error;
  }
}

export function findUserByEmail(db: Kysely<DB>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Kysely<DB>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateUser(
  db: Kysely<DB>,
  id: string,
  changes: Partial<
    Pick<
      UserRow,
      | 'name'
      | 'business_name'
      | 'payment_instructions'
      | 'time_zone'
      | 'locale'
      | 'brand_name'
      | 'brand_accent'
      | 'password_hash'
      | 'stripe_secret_key_enc'
      | 'stripe_webhook_secret_enc'
      | 'stripe_account_id'
      | 'stripe_account_name'
      | 'stripe_webhook_endpoint_id'
      | 'contract_template_en'
      | 'contract_template_de'
      | 'contract_mediator'
      | 'review_window_days'
    >
  >,
  updatedAt: string,
): Promise<UserRow> {
  return db
    .updateTable('users')
    .set({ ...changes, updated_at: updatedAt })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
