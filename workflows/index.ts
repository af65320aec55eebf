/** Every workflow type the workers register. Workflow code imports only pure modules and activity types. */
export { dossierWorkflow } from './dossier.js';
export { feedbackWorkflow } from './feedback.js';
export { interAgencyTaskWorkflow } from './inter-agency.js';
