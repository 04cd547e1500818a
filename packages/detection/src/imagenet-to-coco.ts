// Which ImageNet-1k classes (ResNet-50's) are instances of which COCO class, as data: COCO label → ImageNet class ids,
// single ids or inclusive [first, last] ranges, with the ImageNet names in the comment. Only "is a" relations: the
// bird called "kite" (21) is a bird, never a COCO kite; "horse cart" is not a horse. COCO classes without an ImageNet
// counterpart (person, giraffe, fork, …) are absent, so the crop classifier never relabels into them.
import type { CocoLabel } from './coco.ts';

type Ids = Array<number | [number, number]>;

export const IMAGENET_TO_COCO: Partial<Record<CocoLabel, Ids>> = {
  bird: [[7, 24], [80, 100], [127, 146]], // cock … great grey owl; black grouse … black swan; white stork … albatross
  cat: [[281, 285]], // tabby, tiger cat, Persian, Siamese, Egyptian cat
  dog: [[151, 268]], // Chihuahua … Mexican hairless (the 118 dog breeds)
  horse: [339], // sorrel
  sheep: [348], // ram
  cow: [345, 346], // ox, water buffalo
  elephant: [101, 385, 386], // tusker, Indian elephant, African elephant
  bear: [[294, 297]], // brown bear, American black bear, ice bear, sloth bear
  zebra: [340],
  'teddy bear': [850], // teddy
  bicycle: [444, 671], // bicycle-built-for-two, mountain bike
  car: [436, 468, 511, 609, 627, 656, 751, 817], // beach wagon, cab, convertible, jeep, limousine, minivan, racer, sports car
  motorcycle: [665, 670], // moped, motor scooter
  airplane: [404, 895], // airliner, warplane
  bus: [654, 779, 874], // minibus, school bus, trolleybus
  train: [466, 547, 565, 705, 820], // bullet train, electric locomotive, freight car, passenger car, steam locomotive
  truck: [555, 569, 675, 717, 734, 864, 867], // fire engine, garbage truck, moving van, pickup, police van, tow truck, trailer truck
  boat: [472, 484, 510, 554, 576, 625, 628, 724, 780, 814, 833, 871, 914], // canoe … yawl
  'traffic light': [920],
  'parking meter': [704],
  bench: [703], // park bench
  backpack: [414],
  umbrella: [879],
  handbag: [748], // purse
  tie: [457, 906], // bow tie, Windsor tie
  skis: [795], // ski
  'sports ball': [429, 430, 522, 574, 722, 768, 805, 852, 890], // baseball, basketball, croquet, golf, ping-pong, rugby, soccer, tennis, volleyball
  'tennis racket': [752], // racket
  bottle: [440, 720, 737, 898, 907], // beer, pill, pop, water, wine bottle
  'wine glass': [572], // goblet
  cup: [504, 967, 968], // coffee mug, espresso, cup
  spoon: [910], // wooden spoon
  bowl: [659, 809], // mixing bowl, soup bowl
  banana: [954],
  apple: [948], // Granny Smith
  'hot dog': [934], // hotdog
  orange: [950],
  broccoli: [937],
  pizza: [963],
  chair: [423, 559, 765, 857], // barber chair, folding chair, rocking chair, throne
  couch: [831], // studio couch
  'potted plant': [738], // pot (a flowerpot)
  bed: [564], // four-poster
  'dining table': [532],
  toilet: [861], // toilet seat
  tv: [664, 851], // monitor, television
  laptop: [620, 681], // laptop, notebook
  mouse: [673],
  remote: [761], // remote control
  keyboard: [508], // computer keyboard
  'cell phone': [487], // cellular telephone
  microwave: [651],
  toaster: [859],
  sink: [896], // washbasin
  refrigerator: [760],
  clock: [409, 530, 892], // analog clock, digital clock, wall clock
  vase: [883],
  'hair drier': [589], // hand blower
};

/** ImageNet class id → COCO label, expanded from the table above. */
export function imagenetToCocoMap(): Map<number, CocoLabel> {
  const map = new Map<number, CocoLabel>();
  for (const [label, ids] of Object.entries(IMAGENET_TO_COCO) as Array<[CocoLabel, Ids]>)
    for (const id of ids) {
      const [first, last] = Array.isArray(id) ? id : [id, id];
      for (let i = first; i <= last; i++) {
        if (map.has(i)) throw new Error(`ImageNet class ${i} is mapped twice (${map.get(i)}, ${label})`);
        map.set(i, label);
      }
    }
  return map;
}
