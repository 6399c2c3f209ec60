import { Injectable } from '@nestjs/common';

/** The time, injectable so that tests can freeze or move it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
