/** Every workflow type the workers register. Workflow code imports only pure modules and activity types. */
export { dossierWorkflow } from './dossier-workflow.js';
export { feedbackWorkflow } from './feedback-workflow.js';
export { interAgencyTaskWorkflow } from './inter-agency-workflow.js';
