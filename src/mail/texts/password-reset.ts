/** The "forgot password" mail, in plain text (one function, so it can move to a template). */
export function passwordResetMail(options: { name: string; link: string; validMinutes: number }): {
  subject: string;
  text: string;
} {
  return {
    subject: 'Reset your Milepost password',
    text: [
      `Hello ${options.name},`,
      '',
      'Someone (hopefully you) asked to reset the password of your Milepost account.',
      `To choose a new password, open this link within ${options.validMinutes} minutes:`,
      '',
      options.link,
      '',
      'The link works once. Setting a new password logs you out everywhere else.',
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ].join('\n'),
  };
}
