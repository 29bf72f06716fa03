import { describe, expect, it } from 'vitest';
import { jurisdictionName } from './jurisdiction.js';
import { englishName, regionName } from './region.js';

describe('region names (issue 17, build item 2)', () => {
  it('names a county with its province and prefecture, in Chinese and in Pinyin', () => {
    expect(regionName('370211')).toEqual({ 'zh-CN': '山东省青岛市黄岛区', en: 'Huangdao District, Qingdao, Shandong' });
    expect(regionName('370200')).toEqual({ 'zh-CN': '山东省青岛市', en: 'Qingdao, Shandong' });
    expect(regionName('370000')).toEqual({ 'zh-CN': '山东省', en: 'Shandong' });
  });

  it('does not repeat a municipality, nor name the placeholder city of a directly governed county', () => {
    expect(regionName('110101')).toEqual({ 'zh-CN': '北京市东城区', en: 'Dongcheng District, Beijing' });
    expect(regionName('419001')?.['zh-CN']).toBe('河南省济源市');
    expect(jurisdictionName('110100')).toBe('北京市');
  });

  it('translates the suffixes and separates syllables as place names are written', () => {
    expect(englishName('延边朝鲜族自治州')).toMatch(/ Autonomous Prefecture$/);
    expect(englishName('西安市')).toBe("Xi'an");
    expect(englishName('莘县')).toBe('Shen County');
    expect(regionName('610102')).toEqual({ 'zh-CN': '陕西省西安市新城区', en: "Xincheng District, Xi'an, Shaanxi" });
    expect(englishName('山西省')).toBe('Shanxi');
  });

  it('names a code the table does not know by the nearest level it knows, with the code, and never throws', () => {
    // 370205 (四方区) was merged into 市北区 in 2012: no longer in GB/T 2260.
    expect(regionName('370205')).toEqual({ 'zh-CN': '山东省青岛市（370205）', en: 'Qingdao, Shandong (370205)' });
    expect(regionName('379900')).toEqual({ 'zh-CN': '山东省（379900）', en: 'Shandong (379900)' });
    expect(regionName('990000')).toEqual({ 'zh-CN': '地区代码 990000', en: 'Region code 990000' });
    expect(regionName('abc')).toEqual({ 'zh-CN': '地区代码 abc', en: 'Region code abc' });
    expect(regionName('')).toBeNull();
  });
});
