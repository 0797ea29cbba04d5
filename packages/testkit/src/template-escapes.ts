/**
 * Template-injection escapes, as published for nunjucks, Jinja and other
 * JavaScript template engines (constructor chains to `Function`, prototype
 * reads and writes, dunder chains), rewritten with credflow's delimiters,
 * plus credflow-specific ones (the old render-state name). Every entry must
 * fail with ERR_TEMPLATE_FORBIDDEN and reach nothing.
 *
 * `CANARY` stands for code an escape would run: write a file, read the
 * environment, set a global.
 */
export const CANARY_CODE =
  'return (process.mainModule||{require:null}).require ? 1 : globalThis.__credflow_pwned = process.env.SECRET_CANARY';
const F = `"${CANARY_CODE}"`;

export const TEMPLATE_ESCAPES: readonly string[] = [
  // Function through a global's constructor
  `<< range.constructor(${F})() >>`,
  `<< range.constructor.constructor(${F})() >>`,
  `<< cycler.constructor(${F})() >>`,
  `<< joiner.constructor(${F})() >>`,
  `<< cycler().next.constructor(${F})() >>`,
  `<< cycler().reset.constructor(${F})() >>`,
  `<< joiner().constructor(${F})() >>`,
  `<< fromJson.constructor(${F})() >>`,
  `<< range.call.constructor(${F})() >>`,
  `<< range.apply(null, [${F}]) >>`,
  `<< range.bind(null)() >>`,
  `<< range.name >>`,
  `<< range.toString() >>`,
  // ... through literals
  `<< "".constructor.constructor(${F})() >>`,
  `<< "x".constructor.prototype.toString >>`,
  `<< [].constructor.constructor(${F})() >>`,
  `<< [1, 2].map.constructor(${F})() >>`,
  `<< {}.constructor.constructor(${F})() >>`,
  `<< {a: 1}.constructor.constructor(${F})() >>`,
  `<< (1).constructor.constructor(${F})() >>`,
  `<< (true).constructor >>`,
  `<< r/x/.constructor >>`,
  `<< "abc".toUpperCase() >>`,
  `<< "abc".replace("a", range.constructor(${F})) >>`,
  // ... through loop, filters' return values, data
  `<% for i in [1] %><< loop.constructor.constructor(${F})() >><% endfor %>`,
  `<< ("a" | upper).constructor.constructor(${F})() >>`,
  `<< ([1, 2] | reverse).constructor >>`,
  `<< ({b: 1} | dictsort).constructor >>`,
  `<< ("x" | safe).constructor >>`,
  `<< (range | safe).constructor >>`,
  `<< (data | list).constructor >>`,
  `<< (data | dump).constructor >>`,
  `<< data.constructor.constructor(${F})() >>`,
  `<< data.nested.constructor >>`,
  `<< data.fn() >>`,
  `<< data.toString() >>`,
  `<< data.hasOwnProperty("nested") >>`,
  // computed keys
  `<< range["constructor"](${F})() >>`,
  `<< range["constr" ~ "uctor"](${F})() >>`,
  `<< range["con" + "structor"](${F})() >>`,
  `<% set k = "constructor" %><< range[k][k](${F})() >>`,
  `<< range[["constructor"] | first](${F})() >>`,
  `<< ""[["constr", "uctor"] | join("")][["constr", "uctor"] | join("")](${F})() >>`,
  `<< data[keys.c] >>`,
  `<< data[keys.p].polluted >>`,
  // prototype reads and writes
  `<< {}.__proto__ >>`,
  `<< data.__proto__.polluted >>`,
  `<< range.__proto__ >>`,
  `<< range.prototype >>`,
  `<% set __proto__ = {polluted: 1} %>x`,
  `<% set x = {"__proto__": {polluted: 1}} %><< x.polluted >>`,
  `<< range(__proto__=1) >>`,
  `<< data.__defineGetter__("x", range) >>`,
  `<< data.__lookupGetter__ >>`,
  // prototype members as names
  `<< constructor >>`,
  `<< constructor.constructor(${F})() >>`,
  `<< toString >>`,
  `<< valueOf() >>`,
  `<< hasOwnProperty("data") >>`,
  `<< data | constructor >>`,
  `<< data is constructor >>`,
  `<% for constructor in [1] %><% endfor %>`,
  `<% macro m(constructor) %><% endmacro %>`,
  `<% import "x" as __proto__ %>`,
  // Jinja classics on what exists here
  `<< cycler.__init__.__globals__.os.popen("id").read() >>`,
  `<< joiner.__init__.__globals__ >>`,
  `<< range.__class__.__mro__ >>`,
  `<< "".__class__.__mro__[1].__subclasses__() >>`,
  `<< self.__init__.__globals__ >>`,
  `<< lipsum.__globals__ >>`,
  // credflow internals
  `<< __credflow_render.state.store.peekToken("api", {tenantId: "acme"}) >>`,
  `<< __credflow_render >>`,
  `<< x | __credflow_member("constructor") >>`,
  `<< __credflow_callee >>`,
];
