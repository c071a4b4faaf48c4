/**
 * The frame every mail shares (React Email components: table-based, inline styles, as mail
 * clients need), and the helpers templates use to put people's text into translated messages.
 */
import { Body } from '@react-email/body';
import { Button } from '@react-email/button';
import { Container } from '@react-email/container';
import { Head } from '@react-email/head';
import { Hr } from '@react-email/hr';
import { Html } from '@react-email/html';
import { Link } from '@react-email/link';
import { Preview } from '@react-email/preview';
import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import { cloneElement, createContext, isValidElement, useContext, type ReactNode } from 'react';
import type { MessageId, Translator } from '../../i18n';

const colors = { text: '#1f2933', muted: '#52606d', accent: '#1d4ed8', rule: '#d9e2ec' };

export const styles = {
  body: {
    backgroundColor: '#f5f7fa',
    color: colors.text,
    fontFamily: '-apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
    margin: 0,
    padding: '24px 0',
  },
  container: {
    backgroundColor: '#ffffff',
    border: `1px solid ${colors.rule}`,
    borderRadius: '8px',
    margin: '0 auto',
    maxWidth: '560px',
    padding: '24px 28px',
  },
  text: { fontSize: '15px', lineHeight: '22px', margin: '0 0 14px' },
  muted: { color: colors.muted, fontSize: '13px', lineHeight: '19px', margin: '0 0 10px' },
  button: {
    backgroundColor: colors.accent,
    borderRadius: '6px',
    color: '#ffffff',
    fontSize: '15px',
    fontWeight: 600,
    padding: '12px 20px',
    textDecoration: 'none',
  },
  list: { fontSize: '15px', lineHeight: '22px', margin: '0 0 14px', paddingLeft: '20px' },
  rule: { borderColor: colors.rule, margin: '20px 0' },
  link: { color: colors.accent, wordBreak: 'break-all' as const },
};

/** People's text (names, titles, file names) isolated for bidirectional display. */
export const U = ({ children }: { children: string }) => <bdi>{children}</bdi>;

/**
 * A translated message whose placeholders may be React elements (people's text in <bdi>); React
 * escapes every string, so a name such as `<script>` is shown, never run.
 */
export function tr(
  t: Translator,
  id: MessageId,
  values: Record<string, ReactNode | string | number | Date> = {},
): ReactNode {
  // Keyed, as elements in a list must be; strings between them need none.
  const keyed = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      isValidElement(value) ? cloneElement(value, { key: name }) : value,
    ]),
  );
  const out: unknown = t.intl.formatMessage({ id }, keyed as Record<string, string>);
  return out as ReactNode;
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={styles.text}>{children}</Text>;
}

/** True while rendering the plain-text alternative: actions become "label:" and the address. */
export const PlainText = createContext(false);

/** The one-click unsubscribe page of a notification mail (none for records and replies). */
export const UnsubscribeLink = createContext<string | undefined>(undefined);

/**
 * The project's activity chain head when the mail goes to the client: anchored outside the
 * server, so a client can later show that an evidence bundle matches what they were sent.
 */
export const RecordHead = createContext<string | undefined>(undefined);

/** "Record: 3f2a…": 16 hex digits in the HTML, the whole hash in the plain text. */
function RecordLine({ t }: { t: Translator }) {
  const hash = useContext(RecordHead);
  const plain = useContext(PlainText);
  if (hash === undefined) return null;
  return (
    <Text style={{ ...styles.muted, fontSize: '12px' }}>
      {t.t('mail.record.line', { hash: plain ? hash : hash.slice(0, 16) })}
    </Text>
  );
}

function Unsubscribe({ t }: { t: Translator }) {
  const href = useContext(UnsubscribeLink);
  const plain = useContext(PlainText);
  if (href === undefined) return null;
  return (
    <Text style={styles.muted}>
      {t.t('mail.unsubscribe.line')}{' '}
      {plain ? (
        href
      ) : (
        <Link href={href} style={styles.link}>
          {t.t('mail.unsubscribe.link')}
        </Link>
      )}
    </Text>
  );
}

/** The mail's one action, with the address spelled out for clients that block buttons. */
export function Action({ t, href, label }: { t: Translator; href: string; label: string }) {
  if (useContext(PlainText)) {
    return (
      <>
        <Text style={styles.text}>{label}:</Text>
        <Text style={styles.text}>{href}</Text>
      </>
    );
  }
  return (
    <Section style={{ margin: '22px 0' }}>
      <Button href={href} style={styles.button}>
        {label}
      </Button>
      <Text style={{ ...styles.muted, marginTop: '16px' }}>
        {t.t('mail.linkFallback')}
        <br />
        <Link href={href} style={styles.link}>
          {href}
        </Link>
      </Text>
    </Section>
  );
}

/**
 * The footer of a mail that goes to either party: a client reads whose work it is about, a
 * freelancer which instance sent it.
 */
export function partyFooter(
  t: Translator,
  to: 'client' | 'freelancer',
  freelancerName: string,
  publicUrl: string,
): ReactNode {
  return to === 'client'
    ? tr(t, 'mail.footer.forClient', { freelancer: <U>{freelancerName}</U> })
    : t.t('mail.footer.forFreelancer', { instance: publicUrl });
}

export function Layout(props: {
  t: Translator;
  preview: string;
  footer: ReactNode;
  children: ReactNode;
}) {
  return (
    <Html lang={props.t.locale} dir="ltr">
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          {props.children}
          <Hr style={styles.rule} />
          <Text style={styles.muted}>{props.footer}</Text>
          <RecordLine t={props.t} />
          <Unsubscribe t={props.t} />
        </Container>
      </Body>
    </Html>
  );
}
