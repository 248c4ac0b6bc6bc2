import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { assertRequestShape } from '../validation/request-shape';

/**
 * Runs before the validation pipe on every body, query and path parameter:
 * bounded JSON depth and clean text, so no DTO (and no database) ever sees a
 * NUL byte or a stack-overflowing document.
 */
@Injectable()
export class RequestShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      assertRequestShape(value, metadata.data ? `${metadata.type}.${metadata.data}` : metadata.type);
    }
    return value;
  }
}
