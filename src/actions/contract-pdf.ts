import { findContractAcceptance } from '../db/queries/contracts';
import { findOwnedProject, findProjectById } from '../db/queries/projects';
import { AppError, notFound } from '../domain/errors';
import { isLocale } from '../i18n';
import type { ContractAcceptanceRow, ContractVersionRow } from '../db/schema';
import type { PdfRenderer, PdfRequest } from '../mail/renderer';
import type { ActionContext } from './context';

/**
 * An accepted contract version as a PDF with its acceptance block, for either party (`ownerId`
 * set: the freelancer's, "not found" for anyone else's project). The rows are read first and
 * the PDF is rendered after by `renderer` (the server's: in its render worker), with no
 * transaction held. A version not accepted is refused: only
 * an accepted version has an acceptance block to print.
 */
export async function contractVersionPdf(
  options: Pick<ActionContext, 'db'> & {
    renderer: PdfRenderer;
    projectId: string;
    versionId: string;
    ownerId?: string;
  },
): Promise<{ filename: string; pdf: Buffer }> {
  const { db, projectId } = options;
  const project =
    options.ownerId !== undefined
      ? await findOwnedProject(db, options.ownerId, projectId)
      : await findProjectById(db, projectId);
  if (!project) throw notFound('Project');
  const version = await db
    .selectFrom('contract_versions')
    .selectAll()
    .where('project_id', '=', project.id)
    .where('id', '=', options.versionId)
    .executeTakeFirst();
  if (!version) throw notFound('Contract version');
  const acceptance = await findContractAcceptance(db, project.id, version.id);
  if (!acceptance) {
    throw new AppError(
      'CONFLICT',
      `Contract version ${version.version} is not accepted: only accepted versions download as a PDF`,
    );
  }
  const pdf = await options.renderer.pdf(contractPdfRequest(project.title, version, acceptance));
  return { filename: `contract-v${version.version}.pdf`, pdf };
}

/** What the renderer prints for an accepted contract version (here and in the evidence bundle). */
export function contractPdfRequest(
  projectTitle: string,
  version: ContractVersionRow,
  acceptance: ContractAcceptanceRow,
): PdfRequest {
  return {
    kind: 'contract',
    contract: {
      locale: isLocale(version.locale) ? version.locale : 'en',
      projectTitle,
      version: version.version,
      text: version.text,
      sha256: version.sha256,
      acceptance: {
        fullName: acceptance.full_name,
        acceptedAt: acceptance.accepted_at,
        ip: acceptance.ip,
        userAgent: acceptance.user_agent,
        sha256: acceptance.sha256,
      },
    },
  };
}
