/** A simulated feedback's life: submitted online to a commune, accepted, then answered by its leader. */
import type { FeedbackPlan } from './arrival-plan.js';
import { counterOfficer, leader } from './simulated-officials.js';
import { officeHoursAfter, type SimulationStage } from './simulation-stage.js';

export async function submitFeedback(stage: SimulationStage, plan: FeedbackPlan): Promise<void> {
  const shard = stage.shards.shardOf(plan.unit);
  const { feedback } = shard;
  const receipt = await stage.calls.call(`feedback ${plan.unit}`, () =>
    feedback.submit({ feedback: stage.population.feedback(plan) }),
  );
  stage.shards.feedbackReceived(receipt.id, shard);
  stage.totals.count('feedback');
  stage.scheduler.at(officeHoursAfter(stage, plan.submitAt, plan.acceptHours), async (later) => {
    await stage.calls.call(`accept ${receipt.id}`, () =>
      feedback.act(receipt.id, {
        name: 'accept',
        actor: counterOfficer(plan.unit),
        payload: { topic: 'hanh-vi' },
      }),
    );
    stage.scheduler.at(officeHoursAfter(stage, later, plan.answerHours), async () => {
      const answer = { content: 'Đã tiếp thu và chấn chỉnh.', measure: 'giai-trinh' };
      await stage.calls.call(`answer ${receipt.id}`, () =>
        feedback.act(receipt.id, { name: 'answer', actor: leader(plan.unit), payload: answer }),
      );
      stage.totals.count('feedbackAnswered');
    });
  });
}
