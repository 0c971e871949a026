// Where readers were: the world drawn offline from world-atlas TopoJSON with d3-geo (no tile server), a dot per
// place sized by its visits.

import { geoEqualEarth, geoPath } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json' with { type: 'json' };
import type { Analytics } from '../api.ts';

const W = 960;
const H = 470;

// Projected once per page load: the land and the borders never change.
let base: { land: string; borders: string; project: (lon: number, lat: number) => [number, number] | null } | null =
  null;

function drawBase() {
  if (base) return base;
  const topo = world as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
  const land = feature(topo, topo.objects.land);
  const projection = geoEqualEarth().fitExtent(
    [
      [8, 8],
      [W - 8, H - 8],
    ],
    land,
  );
  const path = geoPath(projection);
  base = {
    land: path(land) ?? '',
    borders: path(mesh(topo, topo.objects.countries, (a, b) => a !== b)) ?? '',
    project: (lon, lat) => projection([lon, lat]),
  };
  return base;
}

export function WorldMap({ places }: { places: Analytics['places'] }) {
  const { land, borders, project } = drawBase();
  const max = Math.max(1, ...places.map((p) => p.visits));
  const dots = [...places].sort((a, b) => b.visits - a.visits);
  return (
    <div class="map-wrap">
      <svg class="world-map" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Visits by place">
        <path class="map-land" d={land} />
        <path class="map-borders" d={borders} />
        {dots.map((p) => {
          const at = project(p.lon, p.lat);
          if (!at) return null;
          const name = [p.city, p.country].filter(Boolean).join(', ') || 'Unknown place';
          return (
            <circle
              key={`${p.lat},${p.lon}`}
              class="map-dot"
              cx={at[0]}
              cy={at[1]}
              r={5 + Math.sqrt(p.visits / max) * 14}
            >
              <title>{`${name}: ${p.visits} visit${p.visits === 1 ? '' : 's'}`}</title>
            </circle>
          );
        })}
      </svg>
      {places.length === 0 && <p class="map-empty">Places appear here as recipients read.</p>}
    </div>
  );
}
