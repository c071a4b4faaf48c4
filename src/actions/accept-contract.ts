import { appendActivity } from '../db/queries/activity';
import {
  findContractAcceptance,
  insertContractAcceptance,
  listContractVersions,
} from '../db/queries/contracts';
import { lockProjectById, updateProject } from '../db/queries/projects';
import { newId } from '../db/ids';
import type { ContractAcceptanceRow } from '../db/schema';
import { assertArchiveAllows } from '../domain/archive-rule';
import { AppError, notFound } from '../domain/errors';
import { textProblem } from '../domain/text-rules';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postLiveEvent } from './chat-stream';
import { nowOf, type ActionContext } from './context';
import { ensureCurrentContract, generateContract, syncContractVersion } from './contract-versions';
import { notifyFreelancer } from './schedule-notifications';

export const MAX_FULL_NAME_LENGTH = 200;
/** User agents are cut to this length before they are stored. */
const MAX_USER_AGENT_LENGTH = 512;

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

/**
 * The client accepts the current contract version by typing their full name. `sha256` is the
 * hash of the text they read: when the contract changed since, nothing is recorded and the
 * refusal names the version to read instead. Accepting a version twice returns the first
 * acceptance. Time, IP and user agent are kept with the acceptance and in the activity record.
 */
export async function acceptContract(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    projectId: string;
    fullName: string;
    sha256: string;
    ip: string;
    userAgent: string;
  },
): Promise<ContractAcceptanceRow> {
  const { db, projectId } = options;
  const fullName = checkedFullName(options.fullName);
  const now = nowOf(options).toISOString();
  await ensureCurrentContract(db, projectId, now);
  return db.transaction().execute(async (trx) => {
    const project = await lockProjectById(trx, projectId, now);
    if (!project) throw notFound('Project');
    assertArchiveAllows(project, 'client-change');
    const current = await syncContractVersion(trx, projectId, now);
    if (current.sha256 !== options.sha256) {
      const seen = (await listContractVersions(trx, projectId)).find(
        (v) => v.sha256 === options.sha256,
      );
      throw new AppError(
        'CONFLICT',
        seen
          ? `The contract changed since you read it: you sent version ${seen.version}, but version ${current.version} is current. Read version ${current.version} and accept it.`
          : `sha256 does not match the current contract (version ${current.version}): read it again and accept what it says.`,
        { field: 'sha256' },
      );
    }
    const existing = await findContractAcceptance(trx, projectId, current.id);
    if (existing) return existing;
    // What this version was generated from (nothing accepted yet: the freelancer's current terms).
    const terms = (await generateContract(trx, projectId))?.terms;
    const row: ContractAcceptanceRow = {
      id: newId(),
      version_id: current.id,
      project_id: projectId,
      full_name: fullName,
      accepted_at: now,
      ip: options.ip,
      user_agent: options.userAgent.slice(0, MAX_USER_AGENT_LENGTH),
      sha256: options.sha256,
    };
    await insertContractAcceptance(trx, row);
    await appendActivity(trx, {
      projectId,
      actorType: 'client',
      actorId: null,
      action: 'contract.accepted',
      details: {
        version: current.version,
        sha256: row.sha256,
        fullName: row.full_name,
        ip: row.ip,
        userAgent: row.user_agent,
      },
      at: now,
    });
    // The contract acceptance is the portal's accept step: the project's older "terms accepted"
    // date is set by the first one (for screens and exports that read it), and the freelancer
    // hears of every acceptance (a later one is a new version) by the terms_accepted notice.
    if (!project.terms_accepted_at) {
      await updateProject(trx, projectId, { terms_accepted_at: now });
    }
    // The terms the client accepted stay theirs: later edits in Settings reach only projects not
    // yet accepted (README, "The contract").
    if (project.contract_template === null && terms) {
      await updateProject(trx, projectId, {
        contract_template: terms.template,
        mediator: terms.mediator,
      });
    }
    await postLiveEvent(trx, options.events, {
      projectId,
      event: { type: 'project.updated', what: 'project' },
      at: now,
    });
    await notifyFreelancer(trx, { project, notice: 'terms_accepted', now });
    return row;
  });
}
