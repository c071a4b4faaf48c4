/** The chat's words and dates, through the app's react-intl foundation (src/web/i18n). */
export { useT, type Translate } from '../i18n';
export { useIntl as useChatIntl } from 'react-intl';
