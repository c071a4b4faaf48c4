/**
 * zod for the web app's forms (with react-hook-form's zodResolver). Import `z` from here: it runs
 * zod without its `new Function` fast path, which the app's Content-Security-Policy (no
 * 'unsafe-eval') refuses and reports.
 */
import { z } from 'zod';

z.config({ jitless: true });

export { z };
