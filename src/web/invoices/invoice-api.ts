/**
 * The HTTP calls behind the settings' branding and tax sections, the project's VAT and offline
 * instructions, and invoices for both parties — over the same typed realms as api.ts.
 */
import { app, portal } from '../api';
import type { BodyOf, ResponseOf } from '../types';

export type TaxDetails = ResponseOf<'/api/settings/tax', 'get'>;
export type ProjectVat = ResponseOf<'/api/projects/{projectId}/vat', 'get'>;
export type VatMode = ProjectVat['mode'];
export type Invoice = ResponseOf<'/api/projects/{projectId}/invoices', 'get'>['invoices'][number];
export type ProjectChanges = BodyOf<'/api/projects/{projectId}', 'patch'>;

const enc = encodeURIComponent;
const projectPath = (projectId: string) => ({ params: { path: { projectId } } });

export const invoiceApi = {
  tax: () => app.send((c) => c.GET('/api/settings/tax')),
  putTax: (body: TaxDetails) => app.send((c) => c.PUT('/api/settings/tax', { body })),
  /** The logo's raw bytes; the server decides the type from them. */
  putLogo: (file: Blob) =>
    app.send((c) =>
      c.PUT('/api/settings/logo', {
        body: file as never,
        bodySerializer: (body: unknown) => body as Blob,
        headers: { 'content-type': file.type || 'application/octet-stream' },
      }),
    ),
  removeLogo: () => app.send((c) => c.DELETE('/api/settings/logo')),
  vat: (projectId: string) =>
    app.send((c) => c.GET('/api/projects/{projectId}/vat', projectPath(projectId))),
  putVat: (projectId: string, body: ProjectVat) =>
    app.send((c) => c.PUT('/api/projects/{projectId}/vat', { ...projectPath(projectId), body })),
  patchProject: (projectId: string, body: ProjectChanges) =>
    app.send((c) => c.PATCH('/api/projects/{projectId}', { ...projectPath(projectId), body })),
  invoices: (projectId: string) =>
    app.send((c) => c.GET('/api/projects/{projectId}/invoices', projectPath(projectId))),
  issue: (projectId: string, milestoneId: string) =>
    app.send((c) =>
      c.POST('/api/projects/{projectId}/milestones/{milestoneId}/invoice', {
        params: { path: { projectId, milestoneId } },
      }),
    ),
  portalInvoices: () => portal.send((c) => c.GET('/api/portal/invoices')),
};

/** An invoice's or credit note's PDF, for the freelancer or the project's client. */
export function invoicePdfUrl(invoiceId: string, realm: 'app' | 'portal'): string {
  return realm === 'app'
    ? `/api/invoices/${enc(invoiceId)}/pdf`
    : `/api/portal/invoices/${enc(invoiceId)}/pdf`;
}

/** Query keys under the resources they belong to, so invalidating a project refreshes these. */
export const invoiceKeys = {
  tax: () => ['settings', 'tax'] as const,
  vat: (projectId: string) => ['projects', 'one', projectId, 'vat'] as const,
  invoices: (projectId: string) => ['projects', 'one', projectId, 'invoices'] as const,
  portalInvoices: () => ['portal', 'invoices'] as const,
};
