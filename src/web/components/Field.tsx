/** Labelled form controls that show their hint and error and wire them up for screen readers. */
import {
  useId,
  type InputHTMLAttributes,
  type Ref,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

interface Common {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
}

interface Warned {
  /**
   * A caution that does not block (a due date in the past): passing it, even as null, keeps a
   * polite live region under the field, so a warning that appears while typing is announced.
   */
  warning?: string | null;
}

function describedBy(
  hintId: string,
  errorId: string,
  hint: ReactNode,
  error: string | undefined,
  warning?: string | null,
) {
  const ids = [
    hint ? hintId : null,
    error ? errorId : null,
    warning ? warningId(errorId) : null,
  ].filter((x): x is string => x !== null);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function warningId(errorId: string): string {
  return errorId.replace(/-error$/, '-warning');
}

function Wrapper(
  props: Common & Warned & { id: string; hintId: string; errorId: string; children: ReactNode },
) {
  return (
    <div className={`field ${props.className ?? ''}`.trim()}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint ? (
        <p className="hint" id={props.hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.children}
      {props.error ? (
        <p className="field-error" id={props.errorId}>
          {props.error}
        </p>
      ) : null}
      {props.warning !== undefined ? (
        <p className="field-warning" id={warningId(props.errorId)} role="status">
          {props.warning}
        </p>
      ) : null}
    </div>
  );
}

export function TextField(
  props: Common &
    Warned &
    Omit<InputHTMLAttributes<HTMLInputElement>, 'className'> & {
      /** react-hook-form's register() hands one over. */
      ref?: Ref<HTMLInputElement>;
    },
) {
  const { label, hint, error, warning, className, id: givenId, ...input } = props;
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <Wrapper
      label={label}
      hint={hint}
      error={error}
      warning={warning}
      className={className}
      id={id}
      hintId={`${id}-hint`}
      errorId={`${id}-error`}
    >
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error, warning)}
        {...input}
      />
    </Wrapper>
  );
}

export function TextArea(
  props: Common &
    Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'className'> & {
      ref?: Ref<HTMLTextAreaElement>;
    },
) {
  const { label, hint, error, className, id: givenId, ...input } = props;
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <Wrapper
      label={label}
      hint={hint}
      error={error}
      className={className}
      id={id}
      hintId={`${id}-hint`}
      errorId={`${id}-error`}
    >
      <textarea
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
        {...input}
      />
    </Wrapper>
  );
}

export function SelectField(
  props: Common & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'className'>,
) {
  const { label, hint, error, className, id: givenId, children, ...input } = props;
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <Wrapper
      label={label}
      hint={hint}
      error={error}
      className={className}
      id={id}
      hintId={`${id}-hint`}
      errorId={`${id}-error`}
    >
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
        {...input}
      >
        {children}
      </select>
    </Wrapper>
  );
}

/** A secret to paste (an API key, a signing secret): hidden, never autofilled or spell-checked. */
export function SecretField(props: Parameters<typeof TextField>[0]) {
  return (
    <TextField
      type="password"
      autoComplete="off"
      spellCheck={false}
      autoCapitalize="off"
      required
      {...props}
    />
  );
}
