/** To the client, 10 minutes after the last upload to a milestone that is not delivered yet. */
import type { Translator } from '../../i18n';
import { mailLinks } from '../links';
import { Action, Layout, Paragraph, styles, tr, U } from './layout';
import { uploadsSubject } from '../subjects';

export interface UploadsMailInput {
  freelancer: { name: string; email: string };
  client: { name: string; email: string };
  project: { title: string };
  milestone: { id: string; position: number; title: string };
  files: readonly { name: string; size: number }[];
}

export function uploadsMail(t: Translator, input: UploadsMailInput & { publicUrl: string }) {
  const { freelancer, milestone } = input;
  return (
    <Layout
      t={t}
      preview={uploadsSubject(t, input)}
      footer={
        <>
          {tr(t, 'mail.portal.accessHint', { freelancer: <U>{freelancer.name}</U> })}{' '}
          {tr(t, 'mail.footer.forClient', { freelancer: <U>{freelancer.name}</U> })}
        </>
      }
    >
      <Paragraph>{tr(t, 'mail.greeting', { name: <U>{input.client.name}</U> })}</Paragraph>
      <Paragraph>
        {tr(t, 'mail.uploads.intro', {
          freelancer: <U>{freelancer.name}</U>,
          count: input.files.length,
          position: milestone.position,
          milestone: <U>{milestone.title}</U>,
          project: <U>{input.project.title}</U>,
        })}
      </Paragraph>
      <ul style={styles.list}>
        {input.files.map((file, i) => (
          <li key={i}>
            <U>{file.name}</U>
            {` (${t.bytes(file.size)})`}
          </li>
        ))}
      </ul>
      <Paragraph>{tr(t, 'mail.uploads.next', { freelancer: <U>{freelancer.name}</U> })}</Paragraph>
      <Action
        t={t}
        href={mailLinks.portalMilestone(input.publicUrl, milestone.id)}
        label={t.t('mail.button.openMilestone')}
      />
    </Layout>
  );
}
