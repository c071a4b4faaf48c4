/** What the message checks compare: each message's ICU arguments, and plurals lacking `other`. */
import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

/** Every argument a message uses, as "name:type", including those inside plural/select branches. */
export function argumentsOf(
  elements: MessageFormatElement[],
  into = new Set<string>(),
): Set<string> {
  for (const el of elements) {
    switch (el.type) {
      case TYPE.argument:
        into.add(`${el.value}:argument`);
        break;
      case TYPE.number:
        into.add(`${el.value}:number`);
        break;
      case TYPE.date:
        into.add(`${el.value}:date`);
        break;
      case TYPE.time:
        into.add(`${el.value}:time`);
        break;
      case TYPE.plural:
      case TYPE.select:
        into.add(`${el.value}:${el.type === TYPE.plural ? 'plural' : 'select'}`);
        for (const option of Object.values(el.options)) argumentsOf(option.value, into);
        break;
      case TYPE.tag:
        into.add(`${el.value}:tag`);
        argumentsOf(el.children, into);
        break;
      default:
        break;
    }
  }
  return into;
}

export function pluralsWithoutOther(elements: MessageFormatElement[]): string[] {
  const missing: string[] = [];
  for (const el of elements) {
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      if (!('other' in el.options)) missing.push(el.value);
      for (const option of Object.values(el.options))
        missing.push(...pluralsWithoutOther(option.value));
    }
  }
  return missing;
}
