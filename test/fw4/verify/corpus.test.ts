// The refusal check on fw4's corpus, with sections and protocols from our compiled ruleset.
import { describe, expect, it } from 'vitest';
import { printCases, sharedAvailable, translateCase } from '../kernel/cases.js';
import { findKernelRefusals, refusalContext } from '../../../lib/fw4/verify/index.js';

describe.skipIf(!sharedAvailable())('fw4 check on the corpus (needs ../shared)', () => {
  const refusals = () =>
    Object.fromEntries(
      printCases().flatMap((c) => {
        const t = translateCase(c);
        const found = findKernelRefusals(t.text, refusalContext(t.ruleset));
        return found.length ? [[c.name, found.map((r) => `${r.line} ${r.section}: ${r.replacement}`)]] : [];
      }),
    );

  it('names each refused rule with its section and adds the redirect protocol', () => {
    expect(refusals()).toEqual({
      '02_zones__08_log_limit': [
        '234 @redirect[0]: meta l4proto tcp ip saddr { 10.0.0.0/24, 192.168.26.0/24 } ip daddr 10.11.12.194 dnat 10.0.0.2:22 comment "!fw4: @redirect[0] (reflection)"',
        '235 @redirect[1]: meta l4proto tcp ip saddr { 10.0.0.0/24, 192.168.26.0/24 } ip daddr 10.11.12.194 dnat 10.0.0.2:23 comment "!fw4: @redirect[1] (reflection)"',
        '245 @redirect[0]: meta nfproto ipv4 meta l4proto tcp counter dnat 10.0.0.2:22 comment "!fw4: @redirect[0]"',
        '247 @redirect[1]: meta nfproto ipv4 meta l4proto tcp counter dnat 10.0.0.2:23 comment "!fw4: @redirect[1]"',
      ],
      '03_rules__11_log': [
        '95 @redirect[0]: meta nfproto ipv4 meta l4proto tcp counter log prefix "@redirect[0]: " dnat 10.0.0.2:22 comment "!fw4: @redirect[0]"',
        '96 @redirect[1] (Explicit redirect name): meta nfproto ipv4 meta l4proto tcp counter log prefix "Explicit redirect name: " dnat 10.0.0.3:23 comment "!fw4: Explicit redirect name"',
        '97 @redirect[2]: meta nfproto ipv4 meta l4proto tcp counter log prefix "Explicit prefix: " dnat 10.0.0.4:24 comment "!fw4: @redirect[2]"',
      ],
      'rules-100': ['417 @redirect[1] (redir-1): meta nfproto ipv4 meta l4proto tcp counter snat 10.11.12.4:5962 comment "!fw4: redir-1"'],
      'rules-1000': ['831 @redirect[3] (redir-3): meta l4proto tcp ip daddr 10.107.0.0/16 counter snat 10.11.12.235:32561 comment "!fw4: redir-3"'],
    });
  });
});
