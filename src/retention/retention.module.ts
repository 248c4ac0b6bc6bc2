import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { RetentionController } from './retention.controller';
import { RetentionPolicyRepository } from './retention-policy.repository';
import { RetentionPolicyService } from './retention-policy.service';

@Module({
  imports: [AuditModule],
  controllers: [RetentionController],
  providers: [RetentionPolicyRepository, RetentionPolicyService],
  exports: [RetentionPolicyService],
})
export class RetentionModule {}
