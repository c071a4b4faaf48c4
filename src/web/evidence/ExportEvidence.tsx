import { useT } from '../i18n';

/**
 * "Export evidence (ZIP)": the project's evidence bundle (contract, change orders, receipts,
 * invoices, file list, chat, download log and the signed activity record), downloaded as the
 * server streams it.
 */
export function ExportEvidence({ projectId }: { projectId: string }) {
  const t = useT();
  return (
    <section className="card stack" aria-labelledby="evidence-heading">
      <h2 id="evidence-heading">{t('project.evidence.title')}</h2>
      <p className="muted">{t('project.evidence.hint')}</p>
      <a
        className="button-secondary"
        href={`/api/projects/${encodeURIComponent(projectId)}/evidence.zip`}
        download
        data-testid="export-evidence"
      >
        {t('project.evidence.export')}
      </a>
    </section>
  );
}
