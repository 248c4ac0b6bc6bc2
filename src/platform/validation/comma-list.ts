import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';

/** A query parameter given as `a,b,c` or repeated (`?x=a&x=b`), as one list; blanks dropped. */
export const commaList = ({ value }: { value: unknown }) =>
  (Array.isArray(value) ? value : [value]).flatMap((v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [v],
  );

export const MAX_TENANT_IDS = 100;

/** `?tenantIds=a,b,c`: the tenants a platform-wide roll-up is asked about (1 to 100). */
export class TenantIdsQuery {
  @ApiProperty({ description: `comma-separated tenant ids, 1 to ${MAX_TENANT_IDS}`, type: String })
  @Transform(commaList)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TENANT_IDS)
  @IsUUID('all', { each: true })
  tenantIds: string[];
}
