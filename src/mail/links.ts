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
  /** The client's portal (the project's general thread). */
  portal: (publicUrl: string) => `${base(publicUrl)}/portal`,
  /** The page confirming an unsubscribe (and offering to subscribe again). */
  unsubscribePage: (publicUrl: string, token: string) =>
    `${base(publicUrl)}/unsubscribe/${encodeURIComponent(token)}`,
  /** RFC 8058's one-click address (List-Unsubscribe): a POST there unsubscribes. */
  unsubscribeOneClick: (publicUrl: string, token: string) =>
    `${base(publicUrl)}/api/unsubscribe/${encodeURIComponent(token)}`,
  /** The freelancer's settings (mail, payments). */
  settings: (publicUrl: string) => `${base(publicUrl)}/app/settings`,
};
