// The UI's behaviour on every page: htmx for live fragments, Alpine (CSP build: no eval) for
// small form states, forms that talk to the JSON API with errors shown beside their fields,
// CSV previews and keyboard shortcuts.
import htmx from 'htmx.org';
import Alpine from '@alpinejs/csp';
import { submitApiForm } from './forms.js';
import { installShortcuts } from './shortcuts.js';
import { previewCsv } from './csv.js';
import { installProspection } from './prospect.js';

htmx.config.allowEval = false;
htmx.config.includeIndicatorStyles = false;
htmx.config.selfRequestsOnly = true;
window.htmx = htmx;

Alpine.data('networkForm', () => ({
  type: 'query-website',
  backbone: '',
  init() {
    this.type = this.$el.dataset.type || this.type;
  },
  setType(event) {
    this.type = event.target.value;
  },
  setBackbone(event) {
    this.backbone = event.target.value;
  },
  get usesSessions() {
    return this.type === 'query-website';
  },
  get usesCrawls() {
    return this.type !== 'query-website';
  },
  get noBackbone() {
    return this.backbone === '';
  },
  get notDisparity() {
    return this.backbone !== 'disparity';
  },
  get notNoiseCorrected() {
    return this.backbone !== 'noise_corrected';
  },
  get notThreshold() {
    return this.backbone !== 'threshold';
  },
  get notTopK() {
    return this.backbone !== 'top_k';
  },
  get usesTerms() {
    return this.type !== 'query-website' && this.type !== 'hyperlink';
  },
}));

Alpine.data('crawlForm', () => ({
  depth: '1',
  setDepth(event) {
    this.depth = event.target.value;
  },
  get depthHelp() {
    return {
      1: 'Depth 1 fetches only the listed result URLs.',
      2: 'Depth 2 also fetches pages they link to within the same website (10 per site by default).',
      3: 'Depth 3 keeps following links within each website (200 pages per site by default).',
    }[this.depth];
  },
}));

window.Alpine = Alpine;
Alpine.start();

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.api) {
    event.preventDefault();
    submitApiForm(form);
  }
});

document.addEventListener('change', (event) => {
  const input = event.target;
  if (input instanceof HTMLInputElement && input.dataset.csvPreview) {
    previewCsv(input, document.getElementById(input.dataset.csvPreview));
  }
});

installShortcuts();
installProspection();
