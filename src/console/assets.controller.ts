import { Get, Param, Res } from '@nestjs/common';
import { Matches } from 'class-validator';
import type { Response } from 'express';
import { PublicRoute } from '../auth';
import { notFound } from '../platform/errors/domain-error';
import { consoleAssets } from './console-assets';
import { ConsoleController } from './console-controller';

class AssetParam {
  @Matches(/^[a-z0-9][a-z0-9.-]{0,80}$/)
  name: string;
}

/**
 * The console's script (htmx, pinned) and stylesheet, from our own origin.
 * Their names carry a version or content hash, so they may be cached for good.
 */
@ConsoleController('console/assets')
export class AssetsController {
  @Get(':name')
  @PublicRoute()
  serve(@Param() p: AssetParam, @Res() res: Response): void {
    const asset = consoleAssets().byPath(`/console/assets/${p.name}`);
    if (!asset) throw notFound('asset');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type(asset.contentType).send(asset.body);
  }
}
