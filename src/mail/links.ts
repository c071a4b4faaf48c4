/**
 * The exact pages mail links to, absolute under PUBLIC_URL. The client's portal is per session
 * (one project); `/portal/milestones/:id` opens it at that milestone (on a device without a
 * session the portal asks for the access code first).
 */
const base = (publicUrl: string) => publicUrl.replace(/\/+$/, '');

export const mailLinks = {
  /** The client's milestone in the portal: pay for it, or download its files once paid. */
  portalMilestone: (publicUrl: string, milestoneId: string) =>
    `${base(publicUrl)}/portal/milestones/${encodeURIComponent(milestoneId)}`,
  /** The freelancer's project page. */
  project: (publicUrl: string, projectId: string) =>
    `${base(publicUrl)}/app/projects/${encodeURIComponent(projectId)}`,
  /** The freelancer's settings (mail, payments). */
  settings: (publicUrl: string) => `${base(publicUrl)}/app/settings`,
};
