import { SelectField, TextArea, TextField } from './Field';
import type { Client } from '../types';

export const NEW_CLIENT = '__new__';
export const OTHER_CURRENCY = '__other__';

const CURRENCIES = ['EUR', 'USD', 'GBP', 'CAD', 'AUD', 'NZD', 'CHF', 'JPY', 'SEK', 'NOK', 'DKK'];
const MORE_CURRENCIES = ['PLN', 'CZK', 'INR', 'BRL', 'MXN', 'ZAR', 'SGD', 'HKD'];
const PROJECT_TYPES = [
  'Web design',
  'Development',
  'Branding',
  'Copywriting',
  'Illustration',
  'Photography',
  'Consulting',
];

export interface ProjectDetails {
  /** A client id, NEW_CLIENT, or '' for none chosen yet. */
  client: string;
  newClient: { name: string; email: string; company: string };
  title: string;
  /** An ISO code from the list, or OTHER_CURRENCY to type one. */
  currencyChoice: string;
  otherCurrency: string;
  projectType: string;
  tags: string;
  description: string;
}

export const EMPTY_DETAILS: ProjectDetails = {
  client: '',
  newClient: { name: '', email: '', company: '' },
  title: '',
  currencyChoice: 'EUR',
  otherCurrency: '',
  projectType: '',
  tags: '',
  description: '',
};

export function currencyOf(details: ProjectDetails): string {
  return details.currencyChoice === OTHER_CURRENCY
    ? details.otherCurrency.trim().toUpperCase()
    : details.currencyChoice;
}

/** The "About the project" part of the builder: client (existing or new), title, currency, labels. */
export function BuilderDetails(props: {
  details: ProjectDetails;
  clients: Client[];
  currencyValid: boolean;
  errors: Record<string, string>;
  onChange: (patch: Partial<ProjectDetails>) => void;
}) {
  const { details, errors, onChange } = props;
  const currency = currencyOf(details);
  const setNewClient = (patch: Partial<ProjectDetails['newClient']>) =>
    onChange({ newClient: { ...details.newClient, ...patch } });
  const typedCurrencyError =
    details.otherCurrency.trim().length === 3 && !props.currencyValid
      ? `"${currency}" is not a known currency code.`
      : undefined;

  return (
    <section className="card stack" aria-labelledby="about-heading">
      <h2 id="about-heading">About the project</h2>
      <SelectField
        label="Client"
        required
        value={details.client}
        onChange={(e) => onChange({ client: e.target.value })}
        error={errors.clientId}
      >
        <option value="">Choose a client…</option>
        {props.clients.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.company ? ` (${c.company})` : ''}
          </option>
        ))}
        <option value={NEW_CLIENT}>+ New client</option>
      </SelectField>
      {details.client === NEW_CLIENT ? (
        <fieldset className="subtle">
          <legend>New client</legend>
          <div className="grid-3">
            <TextField
              label="Client name"
              required
              value={details.newClient.name}
              onChange={(e) => setNewClient({ name: e.target.value })}
              error={errors['client.name']}
            />
            <TextField
              label="Client email"
              type="email"
              required
              value={details.newClient.email}
              onChange={(e) => setNewClient({ email: e.target.value })}
              error={errors['client.email']}
            />
            <TextField
              label="Company (optional)"
              value={details.newClient.company}
              onChange={(e) => setNewClient({ company: e.target.value })}
              error={errors['client.company']}
            />
          </div>
        </fieldset>
      ) : null}
      <TextField
        label="Project title"
        required
        maxLength={200}
        value={details.title}
        onChange={(e) => onChange({ title: e.target.value })}
        error={errors.title}
      />
      <div className="grid-2">
        <SelectField
          label="Currency"
          value={details.currencyChoice}
          onChange={(e) => onChange({ currencyChoice: e.target.value })}
          error={details.currencyChoice === OTHER_CURRENCY ? undefined : errors.currency}
        >
          {[...CURRENCIES, ...MORE_CURRENCIES].map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
          <option value={OTHER_CURRENCY}>Other…</option>
        </SelectField>
        {details.currencyChoice === OTHER_CURRENCY ? (
          <TextField
            label="Currency code"
            hint="Three letters, ISO 4217 (e.g. RON)."
            maxLength={3}
            autoCapitalize="characters"
            value={details.otherCurrency}
            onChange={(e) => onChange({ otherCurrency: e.target.value })}
            error={errors.currency ?? typedCurrencyError}
          />
        ) : null}
      </div>
      <div className="grid-2">
        <TextField
          label="Project type (optional)"
          list="project-types"
          value={details.projectType}
          onChange={(e) => onChange({ projectType: e.target.value })}
          error={errors.projectType}
        />
        <TextField
          label="Tags (optional)"
          hint="Separate tags with commas."
          value={details.tags}
          onChange={(e) => onChange({ tags: e.target.value })}
          error={errors.tags}
        />
      </div>
      <datalist id="project-types">
        {PROJECT_TYPES.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <TextArea
        label="Description (optional)"
        rows={3}
        value={details.description}
        onChange={(e) => onChange({ description: e.target.value })}
        error={errors.description}
      />
    </section>
  );
}
