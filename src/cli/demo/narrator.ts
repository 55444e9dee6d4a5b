/** Prints the demo's trail: `[worker-2] claimed T3 …`, one colour per agent on a terminal. */

const COLOURS = [36, 33, 35, 32, 34, 31] as const

export interface NarratorOptions {
  readonly write: (text: string) => void
  readonly colour: boolean
}

export class Narrator {
  readonly #write: (text: string) => void
  readonly #colour: boolean
  readonly #agents = new Map<string, number>()
  readonly #width: number

  constructor(options: NarratorOptions, agents: readonly string[] = []) {
    this.#write = options.write
    this.#colour = options.colour
    agents.forEach((name, i) => this.#agents.set(name, COLOURS[i % COLOURS.length] ?? 37))
    this.#width = Math.max(0, ...agents.map((a) => a.length + 2))
  }

  /** One line of the trail, attributed to an agent. */
  say(agent: string, text: string): void {
    const tag = `[${agent}]`.padEnd(this.#width)
    const code = this.#agents.get(agent)
    this.#write(`${code === undefined ? tag : this.paint(tag, code)} ${text}\n`)
  }

  /** A line that belongs to no agent (headings, the summary). */
  line(text = ''): void {
    this.#write(`${text}\n`)
  }

  heading(text: string): void {
    this.#write(`\n${this.#colour ? `\x1b[1m${text}\x1b[0m` : text}\n`)
  }

  /** Red on a terminal: refusals the demo shows on purpose. */
  refusal(text: string): string {
    return this.paint(text, 31)
  }

  good(text: string): string {
    return this.paint(text, 32)
  }

  dim(text: string): string {
    return this.#colour ? `\x1b[2m${text}\x1b[0m` : text
  }

  paint(text: string, code: number): string {
    return this.#colour ? `\x1b[${code}m${text}\x1b[0m` : text
  }
}
