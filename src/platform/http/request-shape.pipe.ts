import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { validationFailed } from '../errors/domain-error';
import { assertRequestShape } from '../validation/request-shape';
import { RejectedBody } from './json-body.middleware';

/**
 * Runs before the validation pipe on every body, query and path parameter:
 * bounded JSON depth and clean text, so no DTO (and no database) ever sees a
 * NUL byte or a stack-overflowing document.
 */
@Injectable()
export class RequestShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (value instanceof RejectedBody) throw validationFailed(value.problem, [{ field: 'body', issue: value.problem }]);
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      assertRequestShape(value, metadata.data ? `${metadata.type}.${metadata.data}` : metadata.type);
    }
    return value;
  }
}
