import {
  listAttentionMilestones,
  listNeverSharedProjects,
  type AttentionMilestoneRow,
  type NeverSharedRow,
} from '../db/queries/attention';
import { findUserById } from '../db/queries/users';
import { DEFAULT_TIME_ZONE, todayIn } from '../domain/calendar';
import { notFound } from '../domain/errors';
import { nowOf, type ActionContext } from './context';

export interface Attention {
  /** The freelancer's calendar date, in their time zone, that "overdue" is measured against. */
  today: string;
  /** Not delivered and due before today: earliest due first. */
  overdue: AttentionMilestoneRow[];
  /** Delivered and not yet paid: longest waiting first. */
  awaitingPayment: AttentionMilestoneRow[];
  /** Projects whose client has never had a code or link. */
  neverShared: NeverSharedRow[];
}

/** The dashboard's "needs attention" list for one freelancer, by the app's clock. */
export async function readAttention(
  options: Pick<ActionContext, 'db' | 'clock'> & { ownerId: string },
): Promise<Attention> {
  const user = await findUserById(options.db, options.ownerId);
  if (!user) throw notFound('User');
  const today = todayIn(user.time_zone || DEFAULT_TIME_ZONE, nowOf(options));
  const [milestones, neverShared] = await Promise.all([
    listAttentionMilestones(options.db, options.ownerId, today),
    listNeverSharedProjects(options.db, options.ownerId),
  ]);
  const awaitingPayment = milestones
    .filter((m) => m.status === 'delivered')
    .sort((a, b) => (a.delivered_at ?? '').localeCompare(b.delivered_at ?? ''));
  return {
    today,
    overdue: milestones.filter((m) => m.status !== 'delivered'),
    awaitingPayment,
    neverShared,
  };
}
