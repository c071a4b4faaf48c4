import { SelectField, TextArea, TextField } from './Field';
import type { Client } from '../types';
import { useT } from '../i18n';

export const NEW_CLIENT = '__new__';
export const OTHER_CURRENCY = '__other__';

const CURRENCIES = ['EUR', 'USD', 'GBP', 'CAD', 'AUD', 'NZD', 'CHF', 'JPY', 'SEK', 'NOK', 'DKK'];
const MORE_CURRENCIES = ['PLN', 'CZK', 'INR', 'BRL', 'MXN', 'ZAR', 'SGD', 'HKD'];

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
  const t = useT();
  // Suggestions only: the freelancer may type any type of project.
  const projectTypes = [
    t('builder.type.webDesign'),
    t('builder.type.development'),
    t('builder.type.branding'),
    t('builder.type.copywriting'),
    t('builder.type.illustration'),
    t('builder.type.photography'),
    t('builder.type.consulting'),
  ];
  const currency = currencyOf(details);
  const setNewClient = (patch: Partial<ProjectDetails['newClient']>) =>
    onChange({ newClient: { ...details.newClient, ...patch } });
  const typedCurrencyError =
    details.otherCurrency.trim().length === 3 && !props.currencyValid
      ? t('builder.currency.unknown', { currency })
      : undefined;

  return (
    <section className="card stack" aria-labelledby="about-heading">
      <h2 id="about-heading">{t('builder.about.heading')}</h2>
      <SelectField
        label={t('builder.client')}
        required
        value={details.client}
        onChange={(e) => onChange({ client: e.target.value })}
        error={errors.clientId}
      >
        <option value="">{t('builder.client.choose')}</option>
        {props.clients.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.company ? ` (${c.company})` : ''}
          </option>
        ))}
        <option value={NEW_CLIENT}>{t('builder.client.new.option')}</option>
      </SelectField>
      {details.client === NEW_CLIENT ? (
        <fieldset className="subtle">
          <legend>{t('builder.client.new')}</legend>
          <div className="grid-3">
            <TextField
              label={t('builder.client.name')}
              required
              value={details.newClient.name}
              onChange={(e) => setNewClient({ name: e.target.value })}
              error={errors['client.name']}
            />
            <TextField
              label={t('builder.client.email')}
              type="email"
              required
              value={details.newClient.email}
              onChange={(e) => setNewClient({ email: e.target.value })}
              error={errors['client.email']}
            />
            <TextField
              label={t('builder.client.company')}
              value={details.newClient.company}
              onChange={(e) => setNewClient({ company: e.target.value })}
              error={errors['client.company']}
            />
          </div>
        </fieldset>
      ) : null}
      <TextField
        label={t('builder.projectTitle')}
        required
        maxLength={200}
        value={details.title}
        onChange={(e) => onChange({ title: e.target.value })}
        error={errors.title}
      />
      <div className="grid-2">
        <SelectField
          label={t('builder.currency')}
          value={details.currencyChoice}
          onChange={(e) => onChange({ currencyChoice: e.target.value })}
          error={details.currencyChoice === OTHER_CURRENCY ? undefined : errors.currency}
        >
          {[...CURRENCIES, ...MORE_CURRENCIES].map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
          <option value={OTHER_CURRENCY}>{t('builder.currency.other')}</option>
        </SelectField>
        {details.currencyChoice === OTHER_CURRENCY ? (
          <TextField
            label={t('builder.currency.code')}
            hint={t('builder.currency.code.hint')}
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
          label={t('builder.projectType')}
          list="project-types"
          value={details.projectType}
          onChange={(e) => onChange({ projectType: e.target.value })}
          error={errors.projectType}
        />
        <TextField
          label={t('builder.tags')}
          hint={t('builder.tags.hint')}
          value={details.tags}
          onChange={(e) => onChange({ tags: e.target.value })}
          error={errors.tags}
        />
      </div>
      <datalist id="project-types">
        {projectTypes.map((type) => (
          <option key={type} value={type} />
        ))}
      </datalist>
      <TextArea
        label={t('builder.description')}
        rows={3}
        value={details.description}
        onChange={(e) => onChange({ description: e.target.value })}
        error={errors.description}
      />
    </section>
  );
}
