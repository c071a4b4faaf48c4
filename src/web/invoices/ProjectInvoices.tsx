/** The project page's billing column: invoices, the project's VAT and its payment instructions. */
import { LazyMessages } from '../i18n/lazy';
import type { Milestone, Project } from '../types';
import { InvoiceList } from './InvoiceList';
import { ProjectInstructionsForm, VatForm } from './ProjectBilling';

export function ProjectInvoices({
  project,
  milestones,
}: {
  project: Project;
  milestones: readonly Milestone[];
}) {
  const readOnly = project.archivedAt !== null;
  return (
    <LazyMessages area="invoices">
      <InvoiceList
        projectId={project.id}
        milestones={milestones}
        currency={project.currency}
        readOnly={readOnly}
      />
      <VatForm projectId={project.id} readOnly={readOnly} />
      <ProjectInstructionsForm project={project} readOnly={readOnly} />
    </LazyMessages>
  );
}
