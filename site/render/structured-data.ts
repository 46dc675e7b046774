/** A question and its plain-text answer: shown on the page and published as FAQPage structured data. */
export interface FaqItem {
  question: string;
  answer: string;
  /**
   * When the page already shows the answer in one of its sections: the page's FAQ shows only `brief` and a link
   * to that section (`see`), instead of the same text twice; the structured data keeps the whole answer.
   */
  brief?: string;
  see?: { id: string; title: string };
}

/**
 * FAQPage JSON-LD, safe inside a <script> element: `<`, `>` and `&` are \u-escaped, so text such as
 * `</script>` in a tool's name cannot close the element; U+2028/2029 are escaped too.
 */
export function faqJsonLd(items: readonly FaqItem[]): string {
  return scriptSafeJson({
    '@context': 'https://schema.org',
    '@type': 'FAQPage',
    mainEntity: items.map((i) => ({ '@type': 'Question', name: i.question, acceptedAnswer: { '@type': 'Answer', text: i.answer } })),
  });
}

export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
