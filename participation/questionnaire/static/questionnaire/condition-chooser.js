/*
 * Conditions chosen, not typed (issue 18.6).
 *
 * ConditionBlock's telepath definition: Wagtail's StructBlock, plus two selects in place of the
 * typed fields. "Show only if the answer to" lists the questions above this one (number, title,
 * key); "Answer" lists the chosen question's answers (options, Other, yes/no, the points of a
 * scale), or stays a text field for text, number and date questions. The selects only write the
 * original inputs, which stay in the form: what is stored is still the key and answer strings,
 * and the server still checks them.
 *
 * Choosing a question without a key gives it one (from its title, or "question-N"), written in
 * that question's own key field where the editor can see and change it; a condition follows its
 * question when the question is renamed, re-keyed or moved, and the lists follow every edit of
 * the stream (typing, adding, moving, removing blocks).
 */
(() => {
  const streamField = window.wagtailStreamField;
  if (!streamField || !window.telepath) return;

  const CHOICE_TYPES = ['single_choice', 'multiple_choice', 'ranking'];
  // Blocks that can never be the source of a condition (the server refuses file uploads).
  const NOT_SOURCES = ['section', 'file_upload'];
  const NEW_KEY = '#'; // prefix of select values for questions without a key: never in a key
  const FSI = '\u2068'; // isolate titles and keys: an Arabic title beside a Latin key
  const PDI = '\u2069';

  const format = (text, params) =>
    String(text).replace(/%\((\w+)\)s/g, (_, name) => params[name] ?? '');

  const isolate = (text) => `${FSI}${text}${PDI}`;

  const shorten = (text, length = 70) => {
    const letters = Array.from(text);
    return letters.length > length ? `${letters.slice(0, length - 1).join('')}…` : text;
  };

  /** Django's slugify(value, allow_unicode=True): what an empty stored value becomes. */
  function slugify(text) {
    const slug = text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\s-]/gu, '')
      .replace(/[-\s]+/gu, '-')
      .replace(/^[-_]+|[-_]+$/g, '');
    return Array.from(slug).slice(0, 64).join('');
  }

  /** A new key from a title: ASCII letters, digits and hyphens (Django's validate_slug). */
  function keyFor(title, position, taken) {
    const words = title
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()
      .split(' ')
      .filter(Boolean)
      .slice(0, 4);
    const base = words.join('-').slice(0, 40).replace(/-+$/, '') || `question-${position}`;
    let key = base;
    for (let n = 2; taken.has(key); n += 1) key = `${base}-${n}`;
    return key;
  }

  const byName = (name) => document.getElementsByName(name)[0] || null;
  const valueOf = (name) => (byName(name)?.value ?? '').trim();
  const checked = (name) => Boolean(byName(name)?.checked);

  /** The children of a sequence container (stream or list) in their order, with prefixes. */
  function sequenceChildren(container) {
    return [...container.children]
      .filter((element) => element.matches('[data-streamfield-child]'))
      .map((element) => {
        const order = element.querySelector(':scope > input[name$="-order"]');
        const deleted = element.querySelector(':scope > input[name$="-deleted"]');
        return {
          element,
          prefix: order ? order.name.slice(0, -'-order'.length) : '',
          deleted: deleted?.value === '1',
        };
      })
      .filter((child) => child.prefix && !child.deleted);
  }

  function readOptions(prefix) {
    const count = byName(`${prefix}-value-options-count`);
    const list = count?.parentElement?.querySelector(':scope > [data-streamfield-list-container]');
    if (!list) return [];
    return sequenceChildren(list).map(({ prefix: option }) => {
      const label = valueOf(`${option}-value-label`);
      return { label, value: valueOf(`${option}-value-value`) || slugify(label) };
    });
  }

  /** The blocks of a stream, as plain data, in the editor's current order. */
  function readStream(container) {
    let position = 0;
    return sequenceChildren(container).map(({ element, prefix }) => {
      const type = element.querySelector(':scope > input[name$="-type"]')?.value || '';
      const block = { element, prefix, type, key: '', label: '', position: 0 };
      if (type === 'section') return block;
      position += 1;
      block.position = position;
      block.key = valueOf(`${prefix}-value-key`);
      block.keyInput = byName(`${prefix}-value-key`);
      block.label = valueOf(`${prefix}-value-label`);
      if (CHOICE_TYPES.includes(type)) {
        block.options = readOptions(prefix);
        block.allowOther = checked(`${prefix}-value-allow_other`);
        block.otherLabel = valueOf(`${prefix}-value-other_label`);
      } else if (type === 'scale') {
        block.low = parseInt(valueOf(`${prefix}-value-scale_min`), 10) || 0;
        block.high = parseInt(valueOf(`${prefix}-value-scale_max`), 10) || 5;
        block.lowLabel = valueOf(`${prefix}-value-min_label`);
        block.highLabel = valueOf(`${prefix}-value-max_label`);
        block.allowDontKnow = checked(`${prefix}-value-allow_dont_know`);
        block.dontKnowLabel = valueOf(`${prefix}-value-dont_know_label`);
      }
      return block;
    });
  }

  /** The answers a condition on this question can test (as the server's condition_values),
   * or null when any typed text is fine. */
  function answersOf(source, texts) {
    if (CHOICE_TYPES.includes(source.type)) {
      const answers = source.options.map(({ label, value }) =>
        value
          ? { value, label: label || value }
          : { value: '', label: format(texts.noStoredValue, { label }), disabled: true },
      );
      if (source.allowOther) {
        answers.push({ value: 'other', label: source.otherLabel || texts.other });
      }
      return answers;
    }
    if (source.type === 'yes_no') {
      return [
        { value: 'yes', label: texts.yes },
        { value: 'no', label: texts.no },
      ];
    }
    if (source.type === 'consent') return [{ value: 'yes', label: texts.yes }];
    if (source.type === 'scale') {
      const answers = [];
      for (let n = source.low; n <= source.high; n += 1) {
        let label = String(n);
        if (n === source.low && source.lowLabel) label += ` (${source.lowLabel})`;
        if (n === source.high && source.highLabel) label += ` (${source.highLabel})`;
        answers.push({ value: String(n), label });
      }
      if (source.allowDontKnow) {
        answers.push({ value: 'dont_know', label: source.dontKnowLabel || texts.dontKnow });
      }
      return answers;
    }
    return null;
  }

  /** Set an input as typing would: Wagtail's unsaved-changes check and autosave notice it. */
  function write(input, value) {
    if (input.value === value) return;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  /** A select says what its input says to assistive technology: help, errors, invalid. */
  function mirrorState(input, select) {
    const described = [input.getAttribute('aria-describedby'), select.dataset.note]
      .filter(Boolean)
      .join(' ');
    if (described) select.setAttribute('aria-describedby', described);
    if (input.getAttribute('aria-invalid') === 'true') select.setAttribute('aria-invalid', 'true');
    else select.removeAttribute('aria-invalid');
  }

  /** Replace a select's options, only when they differ (refreshes must not loop). */
  function fill(select, options, selected) {
    const signature = JSON.stringify([options, selected]);
    if (select.dataset.signature === signature) return;
    select.dataset.signature = signature;
    select.replaceChildren(
      ...options.map(({ value, label, disabled }) => {
        const option = new Option(label, value, false, value === selected);
        option.disabled = Boolean(disabled);
        return option;
      }),
    );
    select.value = selected;
  }

  // Every chooser of a stream is refreshed when anything in that stream changes.
  const choosersByStream = new Map();

  function refreshStream(container) {
    const choosers = choosersByStream.get(container);
    if (!choosers) return;
    const blocks = readStream(container);
    choosers.forEach((chooser) => {
      if (chooser.questionSelect.isConnected) chooser.refresh(blocks);
      else choosers.delete(chooser);
    });
  }

  function watch(container) {
    if (choosersByStream.has(container)) return;
    choosersByStream.set(container, new Set());
    let timer = null;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(() => refreshStream(container), 120);
    };
    container.addEventListener('input', later);
    container.addEventListener('change', later);
    // Blocks added, moved (the DOM is reordered) or removed (hidden, aria-hidden), options
    // added or removed; changes inside the choosers themselves are ignored.
    new MutationObserver((records) => {
      if (records.some((r) => !r.target.closest?.('[data-condition-chooser]'))) later();
    }).observe(container, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['aria-hidden'],
    });
  }

  class ConditionChooser {
    constructor(block, texts) {
      this.texts = texts;
      this.keyInput = block.childBlocks.key.widget.input;
      this.valueInput = block.childBlocks.value.widget.input;
      this.keyInput = this.keyInput.jquery ? this.keyInput[0] : this.keyInput;
      this.valueInput = this.valueInput.jquery ? this.valueInput[0] : this.valueInput;
      this.owner = this.keyInput.closest('[data-streamfield-child]');
      this.stream = this.owner?.parentElement;
      this.linked = null; // the block element of the chosen question

      this.questionSelect = this.makeSelect(this.keyInput);
      this.answerSelect = this.makeSelect(this.valueInput);
      this.note = document.createElement('p');
      this.note.className = 'help condition-chooser__note';
      this.note.id = `${this.keyInput.id}-chooser-note`;
      this.note.setAttribute('role', 'status');
      this.questionSelect.after(this.note);
      this.questionSelect.dataset.note = this.note.id;
      mirrorState(this.keyInput, this.questionSelect);
      mirrorState(this.valueInput, this.answerSelect);
      this.keyInput.hidden = true;
      this.keyInput.dataset.conditionTyped = '';
      this.valueInput.dataset.conditionTyped = '';
      this.relabel(this.keyInput, this.questionSelect);

      this.questionSelect.addEventListener('change', () => this.chooseQuestion());
      this.answerSelect.addEventListener('change', () =>
        write(this.valueInput, this.answerSelect.value),
      );
      // Up to date the moment it is opened, whatever happened since.
      ['focus', 'pointerdown'].forEach((name) => {
        this.questionSelect.addEventListener(name, () => this.refreshNow());
        this.answerSelect.addEventListener(name, () => this.refreshNow());
      });
    }

    makeSelect(input) {
      const select = document.createElement('select');
      select.id = `${input.id}-chooser`;
      select.dataset.conditionChooser = '';
      input.after(select);
      return select;
    }

    /** Point the field's label at whichever control is shown. */
    relabel(input, control) {
      const field = input.closest('[data-contentpath]');
      const label = field?.querySelector(':scope > label');
      if (label) label.htmlFor = control.id;
    }

    refreshNow() {
      if (this.stream) this.refresh(readStream(this.stream));
    }

    /** The questions above this condition's block. */
    earlier(blocks) {
      const above = [];
      for (const block of blocks) {
        if (block.element === this.owner) break;
        if (!NOT_SOURCES.includes(block.type)) above.push(block);
      }
      return above;
    }

    title(block) {
      return block.label || this.texts.untitled;
    }

    refresh(blocks) {
      const earlier = this.earlier(blocks);
      let stored = this.keyInput.value.trim();
      let source = earlier.find((block) => block.element === this.linked);
      if (source && source.key && source.key !== stored) {
        // The chosen question was re-keyed: the condition follows it.
        write(this.keyInput, source.key);
        stored = source.key;
      } else if (!source || source.key !== stored) {
        source = stored ? earlier.find((block) => block.key === stored) : undefined;
      }
      this.linked = source ? source.element : this.linked;

      const options = [{ value: '', label: this.texts.always }];
      earlier.forEach((block) => {
        const name = `${block.position}. ${isolate(shorten(this.title(block)))}`;
        options.push(
          block.key
            ? { value: block.key, label: `${name} (${isolate(block.key)})` }
            : { value: `${NEW_KEY}${block.position}`, label: `${name} (${this.texts.noKey})` },
        );
      });
      if (stored && !source) {
        options.push({ value: stored, label: format(this.texts.notAbove, { key: stored }) });
      }
      fill(this.questionSelect, options, stored);
      this.refreshAnswers(source);
    }

    refreshAnswers(source) {
      const answers = source ? answersOf(source, this.texts) : null;
      const stored = this.valueInput.value.trim();
      // A select for a question with a set of answers, and (disabled) before any question is
      // chosen; the text field for text, number and date questions, and for an answer kept
      // from a key no question above has (the server says what is wrong with it).
      const choosing = Boolean(answers) || (!source && !stored);
      this.answerSelect.hidden = !choosing;
      this.valueInput.hidden = choosing;
      this.relabel(this.valueInput, choosing ? this.answerSelect : this.valueInput);
      mirrorState(this.keyInput, this.questionSelect);
      mirrorState(this.valueInput, this.answerSelect);
      if (!choosing) return;
      this.answerSelect.disabled = !source;
      if (!source) {
        fill(this.answerSelect, [{ value: '', label: this.texts.chooseQuestionFirst }], '');
        return;
      }
      const match = answers.find(
        (answer) => answer.value && answer.value.toLowerCase() === stored.toLowerCase(),
      );
      const options = [{ value: '', label: this.texts.chooseAnswer }, ...answers];
      if (stored && !match) {
        options.push({ value: stored, label: format(this.texts.notAnAnswer, { value: stored }) });
      }
      fill(this.answerSelect, options, match ? match.value : stored);
    }

    chooseQuestion() {
      const chosen = this.questionSelect.value;
      const blocks = readStream(this.stream);
      const earlier = this.earlier(blocks);
      let source = null;
      this.note.textContent = '';
      if (chosen.startsWith(NEW_KEY)) {
        source = earlier.find((block) => `${NEW_KEY}${block.position}` === chosen);
        if (source && source.keyInput) {
          const taken = new Set(blocks.map((block) => block.key).filter(Boolean));
          source.key = keyFor(source.label, source.position, taken);
          write(source.keyInput, source.key);
          this.note.textContent = format(this.texts.keyGiven, {
            label: shorten(this.title(source)),
            key: source.key,
          });
        }
      } else if (chosen) {
        source = earlier.find((block) => block.key === chosen) || null;
      }
      this.linked = source ? source.element : null;
      write(this.keyInput, source ? source.key : '');
      // An answer the newly chosen question cannot have is dropped.
      const answers = source ? answersOf(source, this.texts) : null;
      const stored = this.valueInput.value.trim().toLowerCase();
      if (!source || (answers && !answers.some((a) => a.value.toLowerCase() === stored))) {
        write(this.valueInput, '');
      }
      this.refresh(blocks);
    }
  }

  class ConditionBlockDefinition extends streamField.blocks.StructBlockDefinition {
    render(placeholder, prefix, initialState, initialError, parentCapabilities) {
      const block = super.render(
        placeholder,
        prefix,
        initialState,
        initialError,
        parentCapabilities,
      );
      try {
        const chooser = new ConditionChooser(block, this.meta.chooser);
        if (chooser.stream) {
          watch(chooser.stream);
          choosersByStream.get(chooser.stream).add(chooser);
          // The rest of the stream is rendered after this block: read it once it is there.
          setTimeout(() => chooser.refreshNow(), 0);
        }
      } catch (error) {
        // The typed fields stay usable, and the server still checks them.
        // eslint-disable-next-line no-console
        console.warn('condition chooser not started', error);
      }
      return block;
    }
  }

  window.telepath.register('participation.questionnaire.ConditionBlock', ConditionBlockDefinition);
})();
