// Renders a template as a sequence of chunks for a file, instead of one string:
// - a partial without any field in it (the registry layer, the backup format, the report's CSS and script) is
//   rendered once at load time and its UTF-8 bytes are written as they are, instead of being concatenated into,
//   and encoded with, every script again;
// - with `lists`, an {{#each}} over one of those arrays (the fleet context's rows, blockers, waves, ...) renders
//   one item at a time while the file is written, so a 5,000-server report is never one string in memory.
// The output is byte for byte what Handlebars renders as one string. Both work through placeholders: while a
// template renders, such a partial or loop leaves a marker (a per-process random nonce between NULs, which no
// data can produce) that `emit` replaces. Inside an indented partial ({{> p}} not at the start of its line)
// Handlebars indents every line of the partial's output, so no markers are used there.
import { randomUUID } from 'node:crypto';
import type Handlebars from 'handlebars';
import { annotate } from './template-errors.js';

/** Where rendered output goes: text, or bytes shared between files (never modified by the sink). */
export interface ChunkSink {
  text(s: string): void;
  bytes(b: Buffer): void;
}

type Each = (this: unknown, context: unknown, options: Handlebars.HelperOptions) => unknown;
type Partial = (context: unknown, options?: Handlebars.RuntimeOptions & { indent?: string }) => string;

interface DeferredLoop {
  items: readonly unknown[];
  options: Handlebars.HelperOptions;
  self: unknown;
}

export class TemplateStreamer {
  private readonly nonce = `\u0000extls-${randomUUID()}:`;
  private readonly statics: { text: string; bytes: Buffer }[] = [];
  private readonly deferred = new Map<number, DeferredLoop>();
  private nextLoop = 0;
  /** the arrays whose loops are rendered item by item during the current write */
  private lists: ReadonlySet<unknown> = new Set();
  /** > 0 while markers must not be used (inside an indented partial) */
  private plain = 0;
  /** true while a deferred loop renders its items: loops inside it render as usual */
  private inLoop = false;
  private rendering = false;

  constructor(private readonly createFrame: (data: unknown) => unknown) {}

  /** Replaces `each` in `hb` by one that defers loops over the current lists; call once, after the built-in helpers. */
  install(hb: typeof Handlebars): void {
    const each = hb.helpers['each'] as Each;
    const defers = (context: unknown): boolean => this.rendering && !this.inLoop && this.plain === 0 && this.lists.has(context);
    const defer = (self: unknown, context: unknown, options: Handlebars.HelperOptions): string => {
      const id = this.nextLoop++;
      this.deferred.set(id, { items: context as unknown[], options, self });
      return `${this.nonce}L${id}\u0000`;
    };
    hb.registerHelper('each', function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
      return defers(context) ? defer(this, context, options) : each.call(this, context, options);
    });
  }

  /** A partial with no field in it: its output is the same for every context. */
  staticPartial(text: string): Partial {
    const id = this.statics.push({ text, bytes: Buffer.from(text, 'utf8') }) - 1;
    const marker = `${this.nonce}S${id}\u0000`;
    return (_context, options) => (this.rendering && this.plain === 0 && !options?.indent ? marker : text);
  }

  /** A partial with fields: rendered as usual; indented, without markers (Handlebars indents each line of it). */
  partial(render: Partial): Partial {
    return (context, options) => {
      if (!options?.indent) return render(context, options);
      this.plain++;
      try {
        return render(context, options);
      } finally {
        this.plain--;
      }
    };
  }

  /**
   * Renders `template` (a compiled template that names itself in errors) into `sink`. Loops over an element of
   * `lists` render item by item; `label` names the template in errors raised while they do.
   */
  write(template: (context: unknown) => string, context: unknown, sink: ChunkSink, label: string, lists: readonly unknown[] = []): void {
    if (this.rendering) throw new Error('templates render one at a time');
    this.rendering = true;
    this.lists = new Set(lists.filter(Array.isArray));
    try {
      this.emit(template(context), sink, label);
    } finally {
      this.rendering = false;
      this.inLoop = false;
      this.lists = new Set();
      this.deferred.clear();
    }
  }

  /** Writes `out` to `sink`, replacing markers by the static partials' bytes and the deferred loops' items. */
  private emit(out: string, sink: ChunkSink, label: string): void {
    let from = 0;
    for (let at = out.indexOf(this.nonce); at >= 0; at = out.indexOf(this.nonce, from)) {
      if (at > from) sink.text(out.slice(from, at));
      const kind = out[at + this.nonce.length];
      const end = out.indexOf('\u0000', at + this.nonce.length);
      const id = Number(out.slice(at + this.nonce.length + 1, end));
      if (kind === 'S') sink.bytes(this.statics[id]!.bytes);
      else this.loop(id, sink, label);
      from = end + 1;
    }
    if (from === 0) sink.text(out);
    else if (from < out.length) sink.text(out.slice(from));
  }

  /** What Handlebars' own each does for an array, one item at a time into the sink. */
  private loop(id: number, sink: ChunkSink, label: string): void {
    const { items, options, self } = this.deferred.get(id)!;
    this.deferred.delete(id);
    const render = (f: () => string) => {
      const outer = this.inLoop;
      this.inLoop = true;
      let out: string;
      try {
        out = f();
      } catch (err) {
        throw annotate(err, label);
      } finally {
        this.inLoop = outer;
      }
      this.emit(out, sink, label);
    };
    const data = options.data ? (this.createFrame(options.data) as Record<string, unknown>) : undefined;
    for (let i = 0; i < items.length; i++) {
      if (!(i in items)) continue;
      if (data) {
        data['key'] = i;
        data['index'] = i;
        data['first'] = i === 0;
        data['last'] = i === items.length - 1;
      }
      render(() => options.fn(items[i], { data, blockParams: [items[i], i] }));
    }
    if (items.length === 0) render(() => options.inverse(self));
  }

  /** Everything `write` gives, as one string. */
  static collect(write: (sink: ChunkSink) => void): string {
    let text = '';
    write({ text: (s) => (text += s), bytes: (b) => (text += b.toString('utf8')) });
    return text;
  }
}
