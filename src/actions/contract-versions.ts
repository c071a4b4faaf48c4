/**
 * Keeps a project's contract versions in step with the project: the text is generated from the
 * project, its milestones and the terms (src/domain/contract.ts); when it differs from the latest
 * stored version, a new version is stored and the activity record says so. Readers and the
 * acceptance call this, so the version a client accepts is always the text as it stands.
 */
import type { Kysely } from 'kysely';
import { appendActivity } from '../db/queries/activity';
import { findOwnedClient } from '../db/queries/clients';
import { hasContractAcceptance } from '../db/queries/change-orders';
import { findLatestContractVersion, insertContractVersion } from '../db/queries/contracts';
import { listMilestones } from '../db/queries/milestones';
import { findProjectById, lockProjectById } from '../db/queries/projects';
import { findUserById } from '../db/queries/users';
import { newId } from '../db/ids';
import type { ContractVersionRow, DB } from '../db/schema';
import { renderContract, type ContractMilestone, type RenderedContract } from '../domain/contract';
import { termsForProject } from '../domain/contract-terms';
import { notFound } from '../domain/errors';
import type { Locale } from '../i18n';
import { contractWords } from '../i18n/contract';

/**
 * The contract as the project stands now, in the client's language; undefined: no project.
 * `planned`: these milestones instead of the stored ones (a change order's preview); a planned
 * milestone with the id of a stored one keeps its deposit flag and revision rounds.
 * `terms`: the template and mediator it was generated from (copied onto the project when the
 * client first accepts, src/domain/contract-terms.ts).
 */
export async function generateContract(
  db: Kysely<DB>,
  projectId: string,
  planned?: readonly ContractMilestone[],
): Promise<
  (RenderedContract & { locale: Locale; terms: { template: string; mediator: string } }) | undefined
> {
  const project = await findProjectById(db, projectId);
  if (!project) return undefined;
  const [freelancer, client, milestones, accepted, latest] = await Promise.all([
    findUserById(db, project.owner_id),
    findOwnedClient(db, project.owner_id, project.client_id),
    listMilestones(db, project.id),
    hasContractAcceptance(db, project.id),
    findLatestContractVersion(db, project.id),
  ]);
  if (!freelancer || !client) return undefined;
  // Once accepted, the contract keeps the language it was accepted in (as it keeps its terms):
  // setting the client's language later changes the screens and mails, not the agreement — it
  // must not make a new version the client has to accept again before paying.
  const locale: Locale = accepted && latest ? latest.locale : client.locale;
  const { labels, template: defaultTemplate } = contractWords(locale);
  const terms = termsForProject({
    accepted,
    project: { contractTemplate: project.contract_template, mediator: project.mediator },
    freelancer: {
      template: locale === 'de' ? freelancer.contract_template_de : freelancer.contract_template_en,
      mediator: freelancer.contract_mediator,
    },
    defaultTemplate,
  });
  const stored = milestones.map((m): ContractMilestone => ({
    id: m.id,
    position: m.position,
    title: m.title,
    deliverables: m.deliverables,
    dueDate: m.due_date,
    amountMinor: m.amount_minor,
    revisionRounds: m.revision_rounds,
    isDeposit: m.is_deposit === 1,
  }));
  const rendered = renderContract({
    locale,
    projectTitle: project.title,
    currency: project.currency,
    freelancer: freelancer.business_name || freelancer.name,
    client: client.company ? `${client.name}, ${client.company}` : client.name,
    mediator: terms.mediator,
    reviewWindowDays: project.review_window_days,
    milestones: planned
      ? planned.map((m) => {
          const own = stored.find((s) => m.id && s.id === m.id);
          return {
            ...m,
            revisionRounds: m.revisionRounds ?? own?.revisionRounds ?? null,
            isDeposit: m.isDeposit ?? own?.isDeposit ?? false,
          };
        })
      : stored,
    template: terms.template,
    labels,
  });
  return { ...rendered, locale, terms };
}

/**
 * Under the project's lock (taken by the caller): the current version, stored first when the
 * generated text differs from the latest version (or there is none yet).
 */
export async function syncContractVersion(
  trx: Kysely<DB>,
  projectId: string,
  now: string,
): Promise<ContractVersionRow> {
  const generated = await generateContract(trx, projectId);
  if (!generated) throw notFound('Project');
  const latest = await findLatestContractVersion(trx, projectId);
  if (latest && latest.sha256 === generated.sha256) return latest;
  const row: ContractVersionRow = {
    id: newId(),
    project_id: projectId,
    version: (latest?.version ?? 0) + 1,
    locale: generated.locale,
    text: generated.text,
    sha256: generated.sha256,
    reason: latest ? 'changed' : 'initial',
    created_at: now,
  };
  await insertContractVersion(trx, row);
  await appendActivity(trx, {
    projectId,
    actorType: 'system',
    actorId: null,
    action: 'contract.version_created',
    details: { version: row.version, sha256: row.sha256, reason: row.reason },
    at: now,
  });
  return row;
}

/**
 * Makes sure the latest stored version is the text as it stands. The comparison runs first
 * without a transaction; only a missing or outdated version takes the project's lock.
 */
export async function ensureCurrentContract(
  db: Kysely<DB>,
  projectId: string,
  now: string,
): Promise<void> {
  const [generated, latest] = await Promise.all([
    generateContract(db, projectId),
    findLatestContractVersion(db, projectId),
  ]);
  if (!generated) throw notFound('Project');
  if (latest && latest.sha256 === generated.sha256) return;
  await db.transaction().execute(async (trx) => {
    if (!(await lockProjectById(trx, projectId, now))) throw notFound('Project');
    await syncContractVersion(trx, projectId, now);
  });
}
