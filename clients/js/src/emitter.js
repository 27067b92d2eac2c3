// A small typed event emitter: no dependency on the DOM's EventTarget, so it runs anywhere.

/** @template {Record<string, {type: string}>} M */
export class Emitter {
  constructor() {
    /** @type {Map<string, Set<Function>>} */
    this.listeners = new Map();
  }

  /**
   * Calls `listener(event)` for every event of `type`; returns a function that removes it.
   * @template {keyof M & string} K
   * @param {K} type
   * @param {(event: M[K]) => void} listener
   * @returns {() => void}
   */
  on(type, listener) {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
    return () => this.off(type, listener);
  }

  /**
   * @template {keyof M & string} K
   * @param {K} type
   * @param {(event: M[K]) => void} listener
   */
  off(type, listener) {
    this.listeners.get(type)?.delete(listener);
  }

  /**
   * Resolves with the next event of `type` for which `accept(event)` is true.
   * @template {keyof M & string} K
   * @param {K} type
   * @param {(event: M[K]) => boolean} [accept]
   * @returns {Promise<M[K]>}
   */
  next(type, accept = () => true) {
    return new Promise((resolve) => {
      const off = this.on(type, (event) => {
        if (!accept(event)) return;
        off();
        resolve(event);
      });
    });
  }

  /**
   * A listener that throws does not stop the others, nor the client.
   * @template {keyof M & string} K
   * @param {M[K]} event
   */
  emit(event) {
    const set = this.listeners.get(event.type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch (error) {
        console.error(`a "${event.type}" listener failed`, error);
      }
    }
  }
}
