/**
 * Every name officials read, in one object: statuses, steps, actions, roles, channels, applicant
 * types, history entries, forms and their labels, the feedback vocabulary, and the routes through
 * which officials read a dossier's personal data (with what the citizen reads about them). Each
 * name has its source next to the concept it names; this module only gathers them, for the
 * console (served by the API) and the CLI.
 */
import { roleNames } from './actor.js';
import { applicantTypeNames } from './catalogue.js';
import {
  actionTitles,
  channelNames,
  historyNames,
  paymentChannelNames,
  returnChannelNames,
  stepNames,
} from './dossier/dossier-labels.js';
import { statusNames } from './dossier/dossier-status.js';
import { criterionNames, measureNames } from './feedback/feedback-actions.js';
import { classificationNames, topicNames } from './feedback/feedback-classification.js';
import { limitNames } from './feedback/feedback-limits.js';
import { feedbackStatusNames } from './feedback/feedback-status.js';
import { formNames, labels } from './forms/form-labels.js';
import { accessRouteNames, personalDataAccessLabels } from './personal-data-access.js';
import { targetLabels, targetMeasureNames } from './unit-targets.js';

export const displayNames = {
  statuses: statusNames,
  steps: stepNames,
  actions: actionTitles,
  history: historyNames,
  channels: channelNames,
  applicantTypes: applicantTypeNames,
  returnChannels: returnChannelNames,
  paymentChannels: paymentChannelNames,
  roles: roleNames,
  forms: formNames,
  formLabels: labels,
  feedback: {
    statuses: feedbackStatusNames,
    topics: topicNames,
    classifications: classificationNames,
    limits: limitNames,
    criteria: criterionNames,
    measures: measureNames,
  },
  personalDataAccess: {
    routes: accessRouteNames,
    labels: personalDataAccessLabels,
  },
  targets: { measures: targetMeasureNames, labels: targetLabels },
} as const;

export type DisplayNames = typeof displayNames;
