package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Surnames weighted roughly by their share of China's population (top of the 2020 census
// list, then a long tail), so a surname search hits as often as it would in a real studio.
var surnames = weighted[string]{
	{"王", 72}, {"李", 70}, {"张", 66}, {"刘", 53}, {"陈", 46}, {"杨", 32}, {"黄", 25}, {"赵", 20},
	{"吴", 20}, {"周", 19}, {"徐", 15}, {"孙", 14}, {"马", 13}, {"朱", 13}, {"胡", 12}, {"郭", 12},
	{"何", 11}, {"林", 10}, {"高", 10}, {"罗", 10}, {"郑", 9}, {"梁", 9}, {"谢", 8}, {"宋", 7},
	{"唐", 7}, {"许", 7}, {"韩", 6}, {"冯", 6}, {"邓", 6}, {"曹", 6}, {"彭", 6}, {"曾", 5}, {"肖", 5},
	{"田", 5}, {"董", 5}, {"袁", 5}, {"潘", 5}, {"于", 4}, {"蒋", 4}, {"蔡", 4}, {"余", 4}, {"杜", 4},
	{"叶", 4}, {"程", 4}, {"苏", 4}, {"魏", 4}, {"吕", 4}, {"丁", 3}, {"任", 3}, {"沈", 3}, {"姚", 3},
	{"卢", 3}, {"姜", 3}, {"崔", 3}, {"钟", 3}, {"谭", 3}, {"陆", 3}, {"汪", 3}, {"范", 3}, {"金", 3},
	{"石", 3}, {"廖", 3}, {"贾", 3}, {"夏", 2}, {"韦", 2}, {"付", 2}, {"方", 2}, {"白", 2}, {"邹", 2},
	{"孟", 2}, {"熊", 2}, {"秦", 2}, {"邱", 2}, {"江", 2}, {"尹", 2}, {"薛", 2}, {"闫", 2}, {"段", 2},
	{"雷", 2}, {"侯", 2}, {"龙", 2}, {"史", 2}, {"陶", 2}, {"黎", 2}, {"贺", 2}, {"顾", 2}, {"毛", 2},
	{"郝", 2}, {"龚", 2}, {"邵", 2}, {"万", 1}, {"钱", 1}, {"严", 1}, {"覃", 1}, {"武", 1}, {"戴", 1},
	{"莫", 1}, {"孔", 1}, {"向", 1}, {"汤", 1}, {"欧阳", 1}, {"上官", 1}, {"司马", 1},
}

// Given names of brides and mothers (most leads of a wedding or children's studio are entered
// under the woman's name), of grooms and fathers, and of babies.
var (
	femaleNames = []string{"婷", "静", "敏", "丽", "娟", "燕", "艳", "芳", "倩", "颖", "琳", "璐", "蕾", "雪",
		"欣怡", "子涵", "雨涵", "梓涵", "诗琪", "思雨", "佳怡", "晓雯", "雅婷", "梦琪", "嘉欣", "慧敏", "丹丹",
		"晶晶", "婉清", "若曦", "可欣", "雨欣", "佳琪", "心怡", "紫萱", "欣妍", "晓燕", "海燕", "丽娟",
		"秀英", "玉兰", "桂英", "美玲", "春梅", "文静", "思琪", "梦瑶", "一诺", "语嫣", "甜甜", "莉莉"}
	maleNames = []string{"伟", "强", "磊", "洋", "勇", "军", "杰", "涛", "超", "明", "刚", "平", "辉", "鹏",
		"浩然", "宇轩", "子豪", "俊杰", "志强", "建华", "文博", "晨阳", "鹏飞", "一鸣", "家豪", "天宇", "博文",
		"建国", "海涛", "晓东", "志明", "国庆", "思远", "明轩", "嘉树"}
	babyNames = []string{"睿", "梓萱", "一诺", "沐宸", "若汐", "浩宇", "欣妍", "子墨", "奕辰", "可馨", "安琪",
		"沐阳", "诗涵", "宇航", "乐乐", "朵朵", "豆豆", "果果", "小满", "念念", "依依", "梓轩", "芊芊", "俊熙"}
	noteTexts = []string{"想拍外景", "预算有限，在比较几家", "下午方便接电话", "已加微信，发了样片", "国庆前要拍完",
		"对韩式风格感兴趣", "老客户介绍的闺蜜", "问过价格，嫌贵", "周末才有空到店", "要带父母一起来看",
		"想要旅拍，问三亚档期", "宝宝满月想拍全家福", "上次没约上，再跟进", "晚上八点后联系"}
)

// searchNames are the two-character given names the name-substring scenario looks for.
func searchNames() []string {
	var out []string
	for _, n := range femaleNames {
		if len([]rune(n)) == 2 {
			out = append(out, n)
		}
	}
	return out
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted is a list of choices with relative weights.
type weighted[T any] []struct {
	v T
	w int
}

// add appends a choice.
func (ws *weighted[T]) add(v T, w int) {
	*ws = append(*ws, struct {
		v T
		w int
	}{v, w})
}

func (ws weighted[T]) pick(r *rand.Rand) T {
	total := 0
	for _, c := range ws {
		total += c.w
	}
	n := r.IntN(total)
	for _, c := range ws {
		if n < c.w {
			return c.v
		}
		n -= c.w
	}
	return ws[len(ws)-1].v
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func femaleName(r *rand.Rand) string { return surnames.pick(r) + pick(r, femaleNames) }
func maleName(r *rand.Rand) string   { return surnames.pick(r) + pick(r, maleNames) }

// leadName is what gets typed into the name box: a full name mostly, a "王女士"/"李先生"
// from ad forms, sometimes nothing (phone-only imports).
func leadName(r *rand.Rand) string {
	switch x := r.Float64(); {
	case x < 0.68:
		return femaleName(r)
	case x < 0.78:
		return maleName(r)
	case x < 0.88:
		return surnames.pick(r) + "女士"
	case x < 0.94:
		return surnames.pick(r) + "先生"
	case x < 0.97:
		return "微信用户" + fmt.Sprint(r.IntN(9000)+1000)
	}
	return ""
}

// mobilePrefixes are real mainland mobile prefixes (second digit 3–9, as NormalizePhone wants).
var mobilePrefixes = strings.Fields(`130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157
	158 159 166 170 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199`)

// phoneSpace is how many distinct phones phoneOf numbers before repeating.
const phoneSpace = 100_000_000

// phoneOf returns the i-th phone of the data set. The 8 trailing digits are an affine
// permutation of i modulo 10^8 (the multiplier is coprime with 10^8), so phones are unique for
// i < 10^8 and look random: consecutive leads share no suffix and no prefix pattern.
func phoneOf(i int) string {
	const a, b = 73_939_133, 12_345_678
	s := (uint64(i)*a + b) % phoneSpace
	return mobilePrefixes[(uint64(i)*31+s)%uint64(len(mobilePrefixes))] + fmt.Sprintf("%08d", s)
}

// Second phones (partner, second guardian, referrer) come from the upper half of the space,
// never used by leads (the data set is bounded to maxLeads).
const (
	maxLeads        = phoneSpace / 2
	secondPhoneBase = phoneSpace / 2
)

func secondPhone(r *rand.Rand) string { return phoneOf(secondPhoneBase + r.IntN(phoneSpace/2)) }
