/** To the freelancer: the client's first visit, terms accepted, and the client's downloads. */
import type { Translator } from '../../i18n';
import { mailLinks } from '../links';
import { Action, Layout, Paragraph, styles, tr, U } from './layout';
import { freelancerNoticeSubject } from '../subjects';

export type FreelancerNoticeInput = {
  freelancer: { name: string; email: string };
  client: { name: string };
  project: { id: string; title: string };
} & (
  | { notice: 'client_visit' | 'terms_accepted' }
  | { notice: 'downloads'; files: readonly { name: string; downloads: number }[] }
);

export function freelancerNoticeMail(
  t: Translator,
  input: FreelancerNoticeInput & { publicUrl: string },
) {
  const values = { client: <U>{input.client.name}</U>, project: <U>{input.project.title}</U> };
  return (
    <Layout
      t={t}
      preview={freelancerNoticeSubject(t, input)}
      footer={t.t('mail.footer.forFreelancer', { instance: input.publicUrl })}
    >
      <Paragraph>{tr(t, 'mail.greeting', { name: <U>{input.freelancer.name}</U> })}</Paragraph>
      {input.notice === 'client_visit' && (
        <Paragraph>{tr(t, 'mail.notice.visit.body', values)}</Paragraph>
      )}
      {input.notice === 'terms_accepted' && (
        <Paragraph>{tr(t, 'mail.notice.terms.body', values)}</Paragraph>
      )}
      {input.notice === 'downloads' && (
        <>
          <Paragraph>{tr(t, 'mail.notice.downloads.body', values)}</Paragraph>
          <ul style={styles.list}>
            {input.files.map((file, i) => (
              <li key={i}>
                <U>{file.name}</U>
                {` – ${t.t('mail.notice.downloads.times', { count: file.downloads })}`}
              </li>
            ))}
          </ul>
        </>
      )}
      <Action
        t={t}
        href={mailLinks.project(input.publicUrl, input.project.id)}
        label={t.t('mail.button.openProject')}
      />
    </Layout>
  );
}
