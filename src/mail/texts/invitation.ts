/**
 * The client's invitation to their project ("Share with client"), in plain text (one function,
 * so it can move to a template). Sent as "<Freelancer> via Milepost", Reply-To the freelancer.
 */
export function invitationMail(options: {
  clientName: string;
  freelancerName: string;
  businessName: string;
  projectTitle: string;
  link: string;
  code: string;
  portalUrl: string;
}): { subject: string; text: string } {
  const from =
    options.businessName.trim() === ''
      ? options.freelancerName
      : `${options.freelancerName} (${options.businessName})`;
  return {
    subject: `${options.freelancerName} invites you to "${options.projectTitle}"`,
    text: [
      `Hello ${options.clientName},`,
      '',
      `${from} has set up "${options.projectTitle}" for you on Milepost: the milestones, what each`,
      'delivers, and what each costs. You can follow the work, pay each milestone and download',
      'what was delivered. No account is needed.',
      '',
      'Open your project:',
      options.link,
      '',
      `Or go to ${options.portalUrl} and type the access code:`,
      `  ${options.code}`,
      '',
      'Keep this email to yourself: the link and the code open the project.',
      `Questions? Reply to this email to reach ${options.freelancerName}.`,
    ].join('\n'),
  };
}
