// @ts-check
// Loaded into the live view before its own script (bench/ui-first-paint.ts): marks, from the page's
// navigation start, when the first page of cards, the counts and the cluster section are in the
// document and the frame after that is painted (two animation frames).
(() => {
  /** @type {Record<string, number>} */
  const marks = {};
  /** @type {any} */ (window).__firstPaint = marks;
  /** @param {string} name */
  const painted = (name) =>
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        marks[name] = performance.now();
      }),
    );
  /**
   * @param {string} testid
   * @param {string} name
   * @param {(el: Element) => boolean} done
   */
  const watch = (testid, name, done) => {
    const el = document.querySelector(`[data-testid="${testid}"]`);
    if (!el) return;
    const observer = new MutationObserver(() => {
      if (!done(el)) return;
      observer.disconnect();
      painted(name);
    });
    observer.observe(el, { childList: true });
  };
  document.addEventListener('DOMContentLoaded', () => {
    watch('endpoint-list', 'cards', (el) => el.children.length >= 50);
    watch('summary', 'summary', (el) => el.children.length > 0);
    watch('cluster-vips', 'cluster', (el) => el.children.length > 0);
  });
})();
