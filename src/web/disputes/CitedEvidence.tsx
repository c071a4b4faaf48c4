/**
 * What a dispute step cites, in its history: each file by name, each message quoted — its
 * author, time and first words (a deleted one only as deleted; its text stays in the activity
 * record and the evidence bundle).
 */
import { T, useT } from '../i18n';
import { useFormat } from '../i18n/format';
import type { Dispute } from './dispute-api';

type Evidence = Dispute['entries'][number]['evidence'];

export function CitedEvidence(props: {
  evidence: Evidence;
  who: (author: 'freelancer' | 'client') => string;
}) {
  const { evidence } = props;
  const t = useT();
  const f = useFormat();
  if (evidence.messages.length + evidence.files.length === 0) return null;
  return (
    <ul className="dispute-evidence stack-tight" aria-label={t('disputes.evidence.heading')}>
      {evidence.files.map((file) => (
        <li key={file.id}>
          <T
            id="disputes.evidence.file"
            values={{ name: <bdi>{file.name}</bdi>, replaced: file.superseded ? 'yes' : 'no' }}
          />
        </li>
      ))}
      {evidence.messages.map((m) => {
        const meta = t('disputes.cite.meta', {
          who:
            m.author === 'system'
              ? t('disputes.evidence.system')
              : props.who(m.author === 'client' ? 'client' : 'freelancer'),
          time: f.dateTime(m.createdAt),
          edited: m.edited ? 'yes' : 'no',
        });
        return (
          <li key={m.id} data-testid={`cited-${m.id}`}>
            <figure className="dispute-quote">
              {m.excerpt === null ? (
                <p className="muted">
                  {t(m.deleted ? 'disputes.evidence.deleted' : 'disputes.evidence.systemEntry')}
                </p>
              ) : (
                <blockquote>
                  <p>
                    <bdi>{m.excerpt}</bdi>
                  </p>
                </blockquote>
              )}
              <figcaption className="muted">{meta}</figcaption>
            </figure>
          </li>
        );
      })}
    </ul>
  );
}
