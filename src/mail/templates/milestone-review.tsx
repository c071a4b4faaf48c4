/** To the freelancer: the client approved a delivery, or asked for a revision (with their note). */
import type { Translator } from '../../i18n';
import { mailLinks } from '../links';
import { Action, Layout, Paragraph, styles, tr, U } from './layout';
import { Text } from '@react-email/text';
import { milestoneReviewSubject } from '../subjects';

export type MilestoneReviewInput = {
  freelancer: { name: string; email: string };
  client: { name: string };
  project: { id: string; title: string };
  milestone: { position: number; title: string };
} & (
  | { outcome: 'approved' }
  | { outcome: 'revision_requested'; note: string; round: number; rounds: number }
);

export function milestoneReviewMail(
  t: Translator,
  input: MilestoneReviewInput & { publicUrl: string },
) {
  const values = {
    client: <U>{input.client.name}</U>,
    position: input.milestone.position,
    milestone: <U>{input.milestone.title}</U>,
    project: <U>{input.project.title}</U>,
  };
  return (
    <Layout
      t={t}
      preview={milestoneReviewSubject(t, input)}
      footer={t.t('mail.footer.forFreelancer', { instance: input.publicUrl })}
    >
      <Paragraph>{tr(t, 'mail.greeting', { name: <U>{input.freelancer.name}</U> })}</Paragraph>
      {input.outcome === 'approved' ? (
        <Paragraph>{tr(t, 'mail.review.approved.body', values)}</Paragraph>
      ) : (
        <>
          <Paragraph>{tr(t, 'mail.review.revision.body', values)}</Paragraph>
          <Text style={{ ...styles.text, whiteSpace: 'pre-wrap' }}>
            <U>{input.note}</U>
          </Text>
          <Paragraph>
            {t.t('mail.review.revision.rounds', { round: input.round, rounds: input.rounds })}
          </Paragraph>
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
