/**
 * Change orders (issue #11): once the client accepted the contract, the freelancer proposes
 * changes to milestones not yet delivered or paid, with a reason; the client sees before and
 * after and accepts — every change applied in one transaction, with a new contract version that
 * this act accepts (name, IP, user agent, SHA-256, like a contract acceptance) — or declines with
 * an optional note; the freelancer may withdraw an order still proposed. An order made against a
 * contract version that is no longer current is refused as STALE. Each step lands in the
 * activity record, as a system entry in the chat (the milestone's thread when the order touches
 * one milestone, else the general thread) and in a mail to the other party.
 */
import { refreshProjectSums } from '../db/queries/analytics-sums';
import type { Kysely } from 'kysely';
import { newId } from '../db/ids';
import { appendActivity } from '../db/queries/activity';
import {
  decideChangeOrder,
  findChangeOrder,
  hasContractAcceptance,
  insertChangeOrder,
  listChangeOrders,
  nextChangeOrderNumber,
} from '../db/queries/change-orders';
import { findOwnedClient } from '../db/queries/clients';
import {
  findLatestContractVersion,
  insertContractAcceptance,
  insertContractVersion,
  listContractVersions,
} from '../db/queries/contracts';
import { queueFileRemovals } from '../db/queries/file-removals';
import { listFilesOfMilestone } from '../db/queries/files';
import {
  deleteMilestone,
  insertMilestone,
  listMilestones,
  updateMilestone,
} from '../db/queries/milestones';
import { findOwnedProject, lockProjectById } from '../db/queries/projects';
import { findUserById } from '../db/queries/users';
import type {
  ChangeOrderRow,
  ContractAcceptanceRow,
  ContractVersionRow,
  DB,
  MilestoneRow,
  ProjectRow,
} from '../db/schema';
import {
  applyChanges,
  compare,
  totalOf,
  type AppliedPlan,
  type Change,
  type ComparedMilestone,
  type PlanMilestone,
} from '../domain/change-order';
import { assertArchiveAllows } from '../domain/archive-rule';
import { GENERAL_THREAD } from '../domain/chat-rules';
import { AppError, notFound } from '../domain/errors';
import { MAX_MILESTONES, normalizeSequence } from '../domain/milestone-sequence';
import { textProblem } from '../domain/text-rules';
import type { StreamAnnouncer } from '../events/stream-bus';
import { processFileRemovals } from '../files/file-removals';
import type { FileStorage } from '../files/storage';
import { translator, type Locale } from '../i18n';
import { MAX_FULL_NAME_LENGTH } from './accept-contract';
import { appendMessage, postLiveEvent } from './chat-stream';
import { nowOf, type ActionContext } from './context';
import { generateContract, syncContractVersion } from './contract-versions';
import { settleInvoiceAfterChange, termsOf } from './invoice-documents';
import { applyStatuses, lockProjectForChange, type LockedProject } from './locked-project';
import { queueTemplateMail } from './queue-mail';

const MAX_USER_AGENT_LENGTH = 512;

export function planOf(milestones: readonly MilestoneRow[]): PlanMilestone[] {
  return milestones.map((m) => ({
    id: m.id,
    position: m.position,
    status: m.status,
    title: m.title,
    deliverables: m.deliverables,
    dueDate: m.due_date,
    amountMinor: m.amount_minor,
  }));
}

export interface ChangeOrderRecord {
  row: ChangeOrderRow;
  changes: Change[];
  /** The milestones as they stood when the order was proposed. */
  before: PlanMilestone[];
  /** Before and after, side by side (as the order would leave the project, or left it). */
  compared: ComparedMilestone[];
  totalBeforeMinor: number;
  totalAfterMinor: number;
  baseVersion: number;
  resultVersion: number | null;
  /** Proposed, but the contract moved on since (or its milestones can no longer change). */
  stale: boolean;
  /** Proposed and current: the contract text accepting it would create, with its hash. */
  preview: { text: string; sha256: string; version: number } | null;
}

function parsed(row: ChangeOrderRow): { changes: Change[]; before: PlanMilestone[] } {
  return {
    changes: JSON.parse(row.changes) as Change[],
    before: JSON.parse(row.before) as PlanMilestone[],
  };
}

function tryApply(
  plan: readonly PlanMilestone[],
  changes: readonly Change[],
  max: number,
): AppliedPlan | null {
  try {
    return applyChanges(plan, changes, max);
  } catch (e) {
    if (e instanceof AppError) return null;
    throw e;
  }
}

function contractMilestones(applied: AppliedPlan) {
  return applied.milestones.map((m) => ({
    id: m.id,
    position: m.position,
    title: m.title,
    deliverables: m.deliverables,
    dueDate: m.dueDate,
    amountMinor: m.amountMinor,
  }));
}

/**
 * Every change order of the project, oldest first, each with its before/after; a proposed one
 * that can still be accepted carries the contract text accepting it would create.
 */
export async function readChangeOrders(
  options: Pick<ActionContext, 'db'> & { projectId: string; ownerId?: string },
): Promise<ChangeOrderRecord[]> {
  const { db, projectId } = options;
  if (options.ownerId !== undefined) {
    if (!(await findOwnedProject(db, options.ownerId, projectId))) throw notFound('Project');
  }
  const [rows, versions, milestones, latest] = await Promise.all([
    listChangeOrders(db, projectId),
    listContractVersions(db, projectId),
    listMilestones(db, projectId),
    findLatestContractVersion(db, projectId),
  ]);
  const numberOf = (id: string | null) => versions.find((v) => v.id === id)?.version ?? null;
  const current = planOf(milestones);
  const generatedNow = rows.some((r) => r.status === 'proposed')
    ? await generateContract(db, projectId)
    : undefined;
  // The contract as stored is the text as it stands (nothing else changes it after acceptance).
  const currentSha = generatedNow?.sha256 ?? latest?.sha256;
  const records: ChangeOrderRecord[] = [];
  for (const row of rows) {
    const { changes, before } = parsed(row);
    const proposed = row.status === 'proposed';
    const baseIsCurrent =
      latest !== undefined && latest.id === row.base_version_id && latest.sha256 === currentSha;
    const live = proposed && baseIsCurrent ? tryApply(current, changes, MAX_MILESTONES) : null;
    const shown = live ?? tryApply(before, changes, MAX_MILESTONES);
    let preview: ChangeOrderRecord['preview'] = null;
    if (live && latest) {
      const generated = await generateContract(db, projectId, contractMilestones(live));
      if (generated) {
        preview = { text: generated.text, sha256: generated.sha256, version: latest.version + 1 };
      }
    }
    records.push({
      row,
      changes,
      before,
      compared: shown ? compare(before, shown) : [],
      totalBeforeMinor: totalOf(before),
      totalAfterMinor: shown ? shown.totalMinor : totalOf(before),
      baseVersion: numberOf(row.base_version_id) ?? 0,
      resultVersion: numberOf(row.result_version_id),
      stale: proposed && live === null,
      preview,
    });
  }
  return records;
}

// ---------------------------------------------------------------------------------------------
// Notices: the chat's system entry and the other party's mail.

export type ChangeOrderEvent = 'proposed' | 'withdrawn' | 'accepted' | 'declined';

/** The thread an order's news goes to: its one milestone's, or the general thread. */
function threadOf(changes: readonly Change[]): string {
  const targets = new Set(changes.map((c) => (c.type === 'add' ? null : c.milestoneId)));
  const [only] = [...targets];
  return targets.size === 1 && only ? only : GENERAL_THREAD;
}

/** "2. Design: amount €2,400.00 → €3,900.00", one line per changed milestone, in `locale`. */
export function describeChanges(
  locale: Locale,
  rows: readonly ComparedMilestone[],
  currency: string,
): string[] {
  const t = translator(locale);
  const money = (minor: number) => t.money(minor, currency);
  const lines: string[] = [];
  for (const { before, after, changed } of rows) {
    if (before === null && after !== null) {
      lines.push(
        t.t('mail.changeOrder.line.add', {
          position: after.position,
          title: after.title,
          amount: money(after.amountMinor),
          date: t.date(after.dueDate),
        }),
      );
    } else if (before !== null && after === null) {
      lines.push(
        t.t('mail.changeOrder.line.remove', {
          position: before.position,
          title: before.title,
          amount: money(before.amountMinor),
        }),
      );
    } else if (before !== null && after !== null && changed.length > 0) {
      const parts: string[] = [];
      if (changed.includes('title')) {
        parts.push(t.t('mail.changeOrder.line.title', { after: after.title }));
      }
      if (changed.includes('amountMinor')) {
        parts.push(
          t.t('mail.changeOrder.line.amount', {
            before: money(before.amountMinor),
            after: money(after.amountMinor),
          }),
        );
      }
      if (changed.includes('dueDate')) {
        parts.push(
          t.t('mail.changeOrder.line.date', {
            before: t.date(before.dueDate),
            after: t.date(after.dueDate),
          }),
        );
      }
      if (changed.includes('deliverables')) parts.push(t.t('mail.changeOrder.line.deliverables'));
      lines.push(
        t.t('mail.changeOrder.line.update', {
          position: before.position,
          title: before.title,
          changes: parts.join(', '),
        }),
      );
    }
  }
  return lines;
}

async function notify(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  options: {
    project: ProjectRow;
    row: ChangeOrderRow;
    event: ChangeOrderEvent;
    changes: readonly Change[];
    compared: readonly ComparedMilestone[];
    totalBeforeMinor: number;
    totalAfterMinor: number;
    now: string;
  },
): Promise<void> {
  const { project, row, event, now } = options;
  await appendMessage(trx, events, {
    id: newId(),
    project_id: project.id,
    thread: threadOf(options.changes),
    author_type: 'system',
    author_id: null,
    kind: 'system',
    body: '',
    event: JSON.stringify({
      type: `change_order.${event}`,
      changeOrderId: row.id,
      number: row.number,
      totalBeforeMinor: options.totalBeforeMinor,
      totalAfterMinor: options.totalAfterMinor,
      currency: project.currency,
    }),
    reply_to: null,
    created_at: now,
  });
  await postLiveEvent(trx, events, {
    projectId: project.id,
    event: { type: 'project.updated', what: 'milestones' },
    at: now,
  });
  const [freelancer, client] = await Promise.all([
    findUserById(trx, project.owner_id),
    findOwnedClient(trx, project.owner_id, project.client_id),
  ]);
  if (!freelancer || !client) return;
  const toClient = event === 'proposed' || event === 'withdrawn';
  const locale = toClient ? client.locale : freelancer.locale;
  await queueTemplateMail(trx, {
    ownerId: project.owner_id,
    kind: 'change_order',
    template: {
      name: 'change-order',
      locale,
      input: {
        event,
        freelancer: {
          name: freelancer.business_name || freelancer.name,
          email: freelancer.email,
        },
        client: { name: client.name, email: client.email },
        project: { id: project.id, title: project.title },
        order: { number: row.number, reason: row.reason, note: row.decline_note },
        lines: describeChanges(locale, options.compared, project.currency),
        totalBeforeMinor: options.totalBeforeMinor,
        totalAfterMinor: options.totalAfterMinor,
        currency: project.currency,
      },
    },
    now,
  });
}

// ---------------------------------------------------------------------------------------------
// The freelancer proposes and withdraws.

export async function proposeChangeOrder(
  options: Pick<ActionContext, 'db' | 'clock' | 'config'> & {
    events: StreamAnnouncer;
    ownerId: string;
    projectId: string;
    reason: string;
    changes: Change[];
  },
): Promise<ChangeOrderRow> {
  const now = nowOf(options).toISOString();
  const reason = options.reason.trim();
  const row = await options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now });
    if (!(await hasContractAcceptance(trx, locked.project.id))) {
      throw new AppError(
        'CONFLICT',
        'The client has not accepted the contract yet: change the milestones directly',
      );
    }
    const before = planOf(locked.milestones);
    const applied = applyChanges(before, options.changes, options.config.limits.maxMilestones);
    const base = await syncContractVersion(trx, locked.project.id, now);
    const row: ChangeOrderRow = {
      id: newId(),
      project_id: locked.project.id,
      number: await nextChangeOrderNumber(trx, locked.project.id),
      status: 'proposed',
      reason,
      changes: JSON.stringify(options.changes),
      before: JSON.stringify(before),
      base_version_id: base.id,
      result_version_id: null,
      acceptance_id: null,
      decline_note: null,
      proposed_at: now,
      decided_at: null,
    };
    await insertChangeOrder(trx, row);
    const totals = { totalBeforeMinor: totalOf(before), totalAfterMinor: applied.totalMinor };
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'change_order.proposed',
      details: {
        changeOrderId: row.id,
        number: row.number,
        reason,
        changes: options.changes,
        baseVersion: base.version,
        ...totals,
      },
      at: now,
    });
    await notify(trx, options.events, {
      project: locked.project,
      row,
      event: 'proposed',
      changes: options.changes,
      compared: compare(before, applied),
      ...totals,
      now,
    });
    return row;
  });
  return row;
}

function closed(row: ChangeOrderRow): AppError {
  return new AppError(
    'CHANGE_ORDER_CLOSED',
    `Change order ${row.number} is ${row.status}: only a proposed order can be accepted, declined or withdrawn`,
  );
}

function totalsOf(row: ChangeOrderRow) {
  const { changes, before } = parsed(row);
  const applied = tryApply(before, changes, MAX_MILESTONES);
  return {
    changes,
    compared: applied ? compare(before, applied) : [],
    totalBeforeMinor: totalOf(before),
    totalAfterMinor: applied ? applied.totalMinor : totalOf(before),
  };
}

export async function withdrawChangeOrder(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    ownerId: string;
    projectId: string;
    orderId: string;
  },
): Promise<ChangeOrderRow> {
  const now = nowOf(options).toISOString();
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now });
    const row = await findChangeOrder(trx, locked.project.id, options.orderId);
    if (!row) throw notFound('Change order');
    if (row.status !== 'proposed') throw closed(row);
    const decided: ChangeOrderRow = { ...row, status: 'withdrawn', decided_at: now };
    await decideChangeOrder(trx, locked.project.id, row.id, {
      status: 'withdrawn',
      decided_at: now,
      decline_note: null,
      result_version_id: null,
      acceptance_id: null,
    });
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'change_order.withdrawn',
      details: { changeOrderId: row.id, number: row.number },
      at: now,
    });
    await notify(trx, options.events, {
      project: locked.project,
      row: decided,
      event: 'withdrawn',
      ...totalsOf(row),
      now,
    });
    return decided;
  });
}

// ---------------------------------------------------------------------------------------------
// The client accepts or declines.

async function lockForClient(trx: Kysely<DB>, projectId: string, orderId: string, now: string) {
  const project = await lockProjectById(trx, projectId, now);
  if (!project) throw notFound('Project');
  assertArchiveAllows(project, 'client-change');
  const row = await findChangeOrder(trx, projectId, orderId);
  if (!row) throw notFound('Change order');
  return { project, row };
}

export async function declineChangeOrder(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    projectId: string;
    orderId: string;
    note: string;
  },
): Promise<ChangeOrderRow> {
  const now = nowOf(options).toISOString();
  const note = options.note.trim();
  return options.db.transaction().execute(async (trx) => {
    const { project, row } = await lockForClient(trx, options.projectId, options.orderId, now);
    if (row.status !== 'proposed') throw closed(row);
    const decided: ChangeOrderRow = {
      ...row,
      status: 'declined',
      decided_at: now,
      decline_note: note === '' ? null : note,
    };
    await decideChangeOrder(trx, project.id, row.id, {
      status: 'declined',
      decided_at: now,
      decline_note: decided.decline_note,
      result_version_id: null,
      acceptance_id: null,
    });
    await appendActivity(trx, {
      projectId: project.id,
      actorType: 'client',
      actorId: null,
      action: 'change_order.declined',
      details: { changeOrderId: row.id, number: row.number, note: decided.decline_note },
      at: now,
    });
    await notify(trx, options.events, {
      project,
      row: decided,
      event: 'declined',
      ...totalsOf(row),
      now,
    });
    return decided;
  });
}

function checkedFullName(fullName: string): string {
  const name = fullName.trim();
  const problem =
    name === ''
      ? 'is required: type your full name'
      : name.length > MAX_FULL_NAME_LENGTH
        ? `must be at most ${MAX_FULL_NAME_LENGTH} characters`
        : textProblem(name, 'single-line');
  if (problem !== null) {
    throw new AppError('VALIDATION_FAILED', `fullName ${problem}`, { field: 'fullName' });
  }
  return name;
}

/** Writes the applied plan: removals, renumbering, updates, additions, then the statuses. */
async function writePlan(
  trx: Kysely<DB>,
  locked: LockedProject,
  applied: AppliedPlan,
  now: string,
): Promise<{ fileIds: string[] }> {
  const projectId = locked.project.id;
  const fileIds: string[] = [];
  for (const id of applied.removed) {
    const files = await listFilesOfMilestone(trx, projectId, id);
    await queueFileRemovals(
      trx,
      files.map((f) => f.id),
      now,
    );
    fileIds.push(...files.map((f) => f.id));
    await deleteMilestone(trx, projectId, id);
    await settleInvoiceAfterChange(trx, {
      locked,
      milestoneId: id,
      milestone: null,
      change: { type: 'milestone_removed' },
      actor: { type: 'system', id: null },
      now: new Date(now),
    });
  }
  const written: MilestoneRow[] = [];
  // Ascending: removals only move positions down, each into a slot already vacated.
  for (const planned of applied.milestones) {
    const old = locked.milestones.find((m) => m.id === planned.id);
    if (!old) continue;
    const termsChanged =
      old.title !== planned.title ||
      old.deliverables !== planned.deliverables ||
      old.due_date !== planned.dueDate ||
      old.amount_minor !== planned.amountMinor;
    const row: MilestoneRow = {
      ...old,
      position: planned.position,
      title: planned.title,
      deliverables: planned.deliverables,
      due_date: planned.dueDate,
      amount_minor: planned.amountMinor,
      // A new version: a checkout session opened for the old terms no longer matches.
      version: termsChanged ? old.version + 1 : old.version,
      updated_at: now,
    };
    if (termsChanged || old.position !== planned.position) {
      await updateMilestone(trx, projectId, old.id, {
        position: row.position,
        title: row.title,
        deliverables: row.deliverables,
        due_date: row.due_date,
        amount_minor: row.amount_minor,
        version: row.version,
        updated_at: now,
      });
    }
    if (termsChanged) {
      await settleInvoiceAfterChange(trx, {
        locked,
        milestoneId: old.id,
        milestone: row,
        change: { type: 'milestone_changed', now: termsOf(locked, row) },
        actor: { type: 'system', id: null },
        now: new Date(now),
      });
    }
    written.push(row);
  }
  for (const planned of applied.milestones) {
    if (planned.id !== null) continue;
    written.push(
      await insertMilestone(trx, {
        id: newId(),
        project_id: projectId,
        position: planned.position,
        title: planned.title.trim(),
        deliverables: planned.deliverables,
        due_date: planned.dueDate,
        amount_minor: planned.amountMinor,
        status: 'locked',
        delivered_at: null,
        paid_at: null,
        version: 1,
        created_at: now,
        updated_at: now,
      }),
    );
  }
  written.sort((a, b) => a.position - b.position);
  await applyStatuses(trx, {
    locked,
    milestones: written,
    next: normalizeSequence(written.map((m) => m.status)),
    now,
  });
  await refreshProjectSums(trx, projectId);
  return { fileIds };
}

/**
 * Stores a new contract version and the client's acceptance of it, with their activity entries
 * (in the caller's transaction, under the project's lock): how an agreement the client made —
 * accepting a change order, or a dispute's resolution (src/actions/dispute-resolution.ts) —
 * becomes the contract's current, accepted version. Its activity entries are written by
 * recordAcceptedVersion, after the caller's own entry for the agreement.
 */
export async function storeAcceptedVersion(
  trx: Kysely<DB>,
  options: {
    projectId: string;
    version: number;
    generated: { locale: Locale; text: string; sha256: string };
    reason: ContractVersionRow['reason'];
    acceptance: { fullName: string; ip: string; userAgent: string; sha256: string };
    now: string;
  },
): Promise<{ version: ContractVersionRow; acceptance: ContractAcceptanceRow }> {
  const { projectId, generated, now } = options;
  const version: ContractVersionRow = {
    id: newId(),
    project_id: projectId,
    version: options.version,
    locale: generated.locale,
    text: generated.text,
    sha256: generated.sha256,
    reason: options.reason,
    created_at: now,
  };
  await insertContractVersion(trx, version);
  const acceptance: ContractAcceptanceRow = {
    id: newId(),
    version_id: version.id,
    project_id: projectId,
    full_name: options.acceptance.fullName,
    accepted_at: now,
    ip: options.acceptance.ip,
    user_agent: options.acceptance.userAgent.slice(0, MAX_USER_AGENT_LENGTH),
    sha256: options.acceptance.sha256,
  };
  await insertContractAcceptance(trx, acceptance);
  return { version, acceptance };
}

/** The activity entries of a version stored by storeAcceptedVersion: created, then accepted. */
export async function recordAcceptedVersion(
  trx: Kysely<DB>,
  options: {
    version: ContractVersionRow;
    acceptance: ContractAcceptanceRow;
    about: Record<string, unknown>;
    now: string;
  },
): Promise<void> {
  const { version, acceptance, now } = options;
  const projectId = version.project_id;
  await appendActivity(trx, {
    projectId,
    actorType: 'system',
    actorId: null,
    action: 'contract.version_created',
    details: {
      version: version.version,
      sha256: version.sha256,
      reason: version.reason,
      ...options.about,
    },
    at: now,
  });
  await appendActivity(trx, {
    projectId,
    actorType: 'client',
    actorId: null,
    action: 'contract.accepted',
    details: {
      version: version.version,
      sha256: acceptance.sha256,
      fullName: acceptance.full_name,
      ip: acceptance.ip,
      userAgent: acceptance.user_agent,
      ...options.about,
    },
    at: now,
  });
}

/**
 * The client accepts a proposed order by typing their full name; `sha256` is the hash of the
 * contract text the order's preview showed them. Every change applies in this one transaction,
 * with the new contract version and its acceptance; if anything differs from what they read —
 * the contract moved on, a milestone was delivered since, the text is not the one shown — nothing
 * is written and the refusal says so. Accepting an accepted order again returns it.
 */
export async function acceptChangeOrder(
  options: Pick<ActionContext, 'db' | 'clock' | 'config'> & {
    events: StreamAnnouncer;
    storage: FileStorage;
    projectId: string;
    orderId: string;
    fullName: string;
    sha256: string;
    ip: string;
    userAgent: string;
  },
): Promise<{
  order: ChangeOrderRow;
  version: ContractVersionRow;
  acceptance: ContractAcceptanceRow | null;
}> {
  const fullName = checkedFullName(options.fullName);
  const now = nowOf(options).toISOString();
  const result = await options.db.transaction().execute(async (trx) => {
    const { project, row } = await lockForClient(trx, options.projectId, options.orderId, now);
    if (row.status === 'accepted') {
      const versions = await listContractVersions(trx, project.id);
      const version = versions.find((v) => v.id === row.result_version_id);
      if (!version) throw notFound('Contract version');
      return { order: row, version, acceptance: null, fileIds: [] as string[] };
    }
    if (row.status !== 'proposed') throw closed(row);
    const current = await syncContractVersion(trx, project.id, now);
    if (current.id !== row.base_version_id) {
      throw new AppError(
        'STALE',
        `Change order ${row.number} was made against an earlier version of the contract; version ${current.version} is current. Ask for a new change order.`,
      );
    }
    const milestones = await listMilestones(trx, project.id);
    const locked: LockedProject = { project, milestones };
    const { changes, before } = parsed(row);
    let applied: AppliedPlan;
    try {
      applied = applyChanges(planOf(milestones), changes, options.config.limits.maxMilestones);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      throw new AppError(
        'STALE',
        `Change order ${row.number} no longer fits the project (${e.message}). Ask for a new change order.`,
      );
    }
    const { fileIds } = await writePlan(trx, locked, applied, now);
    const generated = await generateContract(trx, project.id);
    if (!generated) throw notFound('Project');
    if (generated.sha256 !== options.sha256) {
      throw new AppError(
        'CONFLICT',
        `sha256 does not match the contract this change order makes (version ${current.version + 1}): read it again and accept what it says.`,
        { field: 'sha256' },
      );
    }
    const { version, acceptance } = await storeAcceptedVersion(trx, {
      projectId: project.id,
      version: current.version + 1,
      generated,
      reason: 'change_order',
      acceptance: {
        fullName,
        ip: options.ip,
        userAgent: options.userAgent,
        sha256: options.sha256,
      },
      now,
    });
    const decided: ChangeOrderRow = {
      ...row,
      status: 'accepted',
      decided_at: now,
      result_version_id: version.id,
      acceptance_id: acceptance.id,
    };
    await decideChangeOrder(trx, project.id, row.id, {
      status: 'accepted',
      decided_at: now,
      decline_note: null,
      result_version_id: version.id,
      acceptance_id: acceptance.id,
    });
    const compared = compare(before, applied);
    const totals = { totalBeforeMinor: totalOf(before), totalAfterMinor: applied.totalMinor };
    await appendActivity(trx, {
      projectId: project.id,
      actorType: 'client',
      actorId: null,
      action: 'change_order.accepted',
      details: {
        changeOrderId: row.id,
        number: row.number,
        changes,
        before: compared.map((c) => c.before),
        after: compared.map((c) => c.after),
        ...totals,
      },
      at: now,
    });
    await recordAcceptedVersion(trx, {
      version,
      acceptance,
      about: { changeOrder: row.number },
      now,
    });
    await notify(trx, options.events, {
      project,
      row: decided,
      event: 'accepted',
      changes,
      compared,
      ...totals,
      now,
    });
    return { order: decided, version, acceptance, fileIds };
  });
  if (result.fileIds.length > 0) {
    await processFileRemovals({
      db: options.db,
      storage: options.storage,
      only: result.fileIds,
    }).catch(() => undefined); // queued: the sweep retries
  }
  return { order: result.order, version: result.version, acceptance: result.acceptance };
}
