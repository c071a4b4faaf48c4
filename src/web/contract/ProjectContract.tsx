import { useQuery } from '@tanstack/react-query';
import { ErrorBanner } from '../components/Notice';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { contractApi, contractKeys } from './contract-api';
import { ContractVersions } from './ContractVersions';
import './contract.css';

/**
 * The freelancer's view of the contract, a disclosure in the project's side column: the current
 * version and whether the client accepted it, every version's text, and each accepted version's
 * PDF with the acceptance block.
 */
export function ProjectContract({ projectId }: { projectId: string }) {
  const t = useT();
  const f = useFormat();
  const contract = useQuery({
    queryKey: contractKeys.project(projectId),
    queryFn: () => contractApi.project(projectId),
  });
  const record = contract.data;
  return (
    <details className="side-section card" data-testid="project-contract">
      <summary>
        {record
          ? record.current.acceptedAt
            ? t('portal.contract.sideAccepted', {
                version: record.current.version,
                date: f.dateTime(record.current.acceptedAt),
              })
            : t('portal.contract.sideOpen', { version: record.current.version })
          : t('portal.contract.heading')}
      </summary>
      <ErrorBanner message={contract.error?.message} />
      {record ? (
        <ContractVersions
          record={record}
          open
          pdfUrl={(versionId) =>
            `/api/projects/${encodeURIComponent(projectId)}/contract/versions/${encodeURIComponent(versionId)}/pdf`
          }
        />
      ) : null}
    </details>
  );
}
