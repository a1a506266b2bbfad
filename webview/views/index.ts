// The panel's views, in tab order: one file per view, one line here.
import { animationView } from './animation';
import { boundaryView } from './boundary';
import { compareView } from './compare';
import { curvesView } from './curves';
import { exploreView } from './explore';
import type { ViewDef } from './kit';
import { networkView } from './network';
import { reportView } from './report';
import { seedsView } from './seeds';

export const VIEWS: ViewDef[] = [
  boundaryView,
  animationView,
  curvesView,
  compareView,
  seedsView,
  reportView,
  networkView,
  exploreView,
];
